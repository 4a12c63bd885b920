import { z } from 'zod'
import { describe, expect, it, vi } from 'vitest'
import { createApiClient } from './api-client.ts'
import { createSession } from './session.ts'

const tokens = (value: string) =>
  new Response(JSON.stringify({ access_token: value, token_type: 'bearer', expires_in: 900, refresh_token: 'r' }))
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status })

describe('session and api client', () => {
  it('shares one refresh between concurrent callers (a reused refresh token would end the session)', async () => {
    const fetch = vi.fn(async () => tokens('a1'))
    const session = createSession({ fetch })
    const results = await Promise.all([session.refresh(), session.refresh(), session.refresh()])
    expect(results).toEqual([true, true, true])
    expect(fetch).toHaveBeenCalledOnce()
    expect(fetch).toHaveBeenCalledWith(
      '/api/auth/refresh',
      expect.objectContaining({ method: 'POST', credentials: 'same-origin' }),
    )
    expect(await session.getAccessToken()).toBe('a1')
  })

  it('signs out when the refresh cookie is refused', async () => {
    const session = createSession({ fetch: async () => tokens('a1') })
    await session.refresh()
    const signedIn: boolean[] = []
    session.subscribe((value) => signedIn.push(value))
    const refused = createSession({
      fetch: async () => json({ error: { code: 'unauthorized', message: 'No refresh token given' } }, 401),
    })
    expect(await refused.refresh()).toBe(false)
    expect(refused.isSignedIn()).toBe(false)
    session.clear()
    expect(signedIn).toEqual([false])
  })

  it('refreshes on a 401 and retries the request once with the new token', async () => {
    const seen: (string | undefined)[] = []
    const fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
      if (url === '/api/auth/refresh') return tokens('fresh')
      const auth = (init?.headers as Record<string, string>).authorization
      seen.push(auth)
      return auth === 'Bearer fresh'
        ? json([])
        : json({ error: { code: 'invalid_token', message: 'Token expired' } }, 401)
    })
    const session = createSession({ fetch })
    session.setTokens({ access_token: 'stale', token_type: 'bearer', expires_in: 900, refresh_token: 'r' })
    const api = createApiClient({ session, fetch })
    expect(await api.request(z.array(z.string()), '/api/conversations/')).toEqual([])
    expect(seen).toEqual(['Bearer stale', 'Bearer fresh'])
  })

  it('turns error bodies into ApiError with the server code and field issues', async () => {
    const session = createSession({ fetch: async () => json({}, 401) })
    const body = {
      error: {
        code: 'weak_password',
        message: 'Password too common',
        issues: [{ path: 'password', message: 'is too common' }],
      },
    }
    const api = createApiClient({ session, fetch: async () => json(body, 400) })
    await expect(
      api.request(z.unknown(), '/api/users/', { method: 'POST', body: {}, anonymous: true }),
    ).rejects.toMatchObject({
      status: 400,
      body: { code: 'weak_password', issues: [{ path: 'password', message: 'is too common' }] },
    })
  })
})
