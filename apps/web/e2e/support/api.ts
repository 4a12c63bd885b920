import { type APIRequestContext, expect } from '@playwright/test'

/** Signs in over the API (a session of its own) and returns its access token. */
export async function apiLogin(request: APIRequestContext, username: string, password: string): Promise<string> {
  const response = await request.post('/api/auth/login', { data: { username, password } })
  expect(response.status()).toBe(200)
  const body = (await response.json()) as { access_token: string }
  return body.access_token
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
