import { PROMPTS_PER_ACCOUNT, PROMPT_MAX_LENGTH, type Prompt } from '@parley/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS, type TestApp, buildTestApp, errorOf, signedInUser } from './helpers.ts'

type Headers = { authorization: string }

describe.each(DIALECTS)('saved prompts on %s', (dialect) => {
  let t: TestApp
  const save = (headers: Headers, payload: object, id?: string) =>
    t.app.inject({
      method: id ? 'PUT' : 'POST',
      url: id ? `/api/users/me/prompts/${id}` : '/api/users/me/prompts',
      headers,
      payload,
    })
  const list = async (headers: Headers) =>
    (await t.app.inject({ method: 'GET', url: '/api/users/me/prompts', headers })).json<Prompt[]>()

  beforeAll(async () => {
    t = await buildTestApp({ dialect, env: { PARLEY_AUTH_RATE_LIMIT: '1000', PARLEY_USER_RATE_LIMIT: '100000' } })
  })
  afterAll(async () => t?.close())

  it('are kept by name for their owner, changed and deleted, and nobody else sees or touches them', async () => {
    const { headers } = await signedInUser(t.app)
    const review = await save(headers, { name: 'review', content: '  Review this code for bugs.  ' })
    expect(review.statusCode, review.body).toBe(200)
    expect(review.json<Prompt>()).toMatchObject({ name: 'review', content: 'Review this code for bugs.' })
    await save(headers, { name: 'eli5', content: 'Explain it as to a five-year-old.' })
    expect((await list(headers)).map((prompt) => prompt.name)).toEqual(['eli5', 'review'])

    const id = review.json<Prompt>().id
    const changed = await save(headers, { name: 'code-review', content: 'Review this code.' }, id)
    expect(changed.json<Prompt>()).toMatchObject({ id, name: 'code-review', content: 'Review this code.' })

    const other = await signedInUser(t.app)
    expect(await list(other.headers)).toEqual([])
    expect((await save(other.headers, { name: 'x', content: 'mine now' }, id)).statusCode).toBe(404)
    const stranger = await t.app.inject({
      method: 'DELETE',
      url: `/api/users/me/prompts/${id}`,
      headers: other.headers,
    })
    expect(stranger.statusCode).toBe(404)

    const removal = await t.app.inject({ method: 'DELETE', url: `/api/users/me/prompts/${id}`, headers })
    expect(removal.statusCode).toBe(200)
    expect((await list(headers)).map((prompt) => prompt.name)).toEqual(['eli5'])
  })

  it('refuses a name the owner already uses, a name that is no command, and text that is empty or too long', async () => {
    const { headers } = await signedInUser(t.app)
    await save(headers, { name: 'summary', content: 'Summarise.' })
    const twice = await save(headers, { name: 'summary', content: 'Again.' })
    expect(twice.statusCode).toBe(409)
    expect(errorOf(twice).message).toBe('You already have a prompt named /summary')
    const other = (await save(headers, { name: 'other', content: 'Other.' })).json<Prompt>()
    expect((await save(headers, { name: 'summary', content: 'Renamed.' }, other.id)).statusCode).toBe(409)
    // Someone else may use the same name.
    expect((await save((await signedInUser(t.app)).headers, { name: 'summary', content: 'Mine.' })).statusCode).toBe(
      200,
    )

    for (const payload of [
      { name: 'Has Space', content: 'x' },
      { name: '/slash', content: 'x' },
      { name: 'a'.repeat(33), content: 'x' },
      { name: 'blank', content: '   ' },
      { name: 'long', content: 'x'.repeat(PROMPT_MAX_LENGTH + 1) },
    ]) {
      const refused = await save(headers, payload)
      expect(refused.statusCode, JSON.stringify(payload).slice(0, 40)).toBe(400)
      expect(errorOf(refused).code).toBe('validation_failed')
    }
    expect((await list(headers)).map((prompt) => prompt.name)).toEqual(['other', 'summary'])
  })

  it(`keeps at most ${PROMPTS_PER_ACCOUNT} for an account`, async () => {
    const { headers } = await signedInUser(t.app)
    for (let i = 0; i < PROMPTS_PER_ACCOUNT; i++) {
      const saved = await save(headers, { name: `p${i}`, content: `Prompt ${i}` })
      expect(saved.statusCode).toBe(200)
    }
    const over = await save(headers, { name: 'one-more', content: 'x' })
    expect(over.statusCode).toBe(409)
    expect(errorOf(over).message).toMatch(/delete one first/)
  })
})
