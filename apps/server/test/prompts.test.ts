import { PROMPTS_PER_ACCOUNT, PROMPT_MAX_LENGTH, type Prompt } from '@parley/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DIALECTS,
  type TestApp,
  buildTestApp,
  errorOf,
  login,
  newAccount,
  signedInAdmin,
  signedInUser,
} from './helpers.ts'

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

  it('offered to everyone by an admin, are everyone’s to use and only admins’ to change', async () => {
    const admin = (await signedInAdmin(t.app)).headers
    const user = await signedInUser(t.app)
    const refused = await save(user.headers, { name: 'team', content: 'Ours.', shared: true })
    expect(refused.statusCode).toBe(403)

    const offered = await save(admin, { name: 'house-style', content: 'Write in our house style.', shared: true })
    expect(offered.json<Prompt>()).toMatchObject({ shared: true, mine: true })
    const id = offered.json<Prompt>().id
    expect(await list(user.headers)).toContainEqual(
      expect.objectContaining({ id, name: 'house-style', shared: true, mine: false }),
    )
    // Everyone may keep a prompt of their own by that name, and nobody but admins changes the shared one.
    expect((await save(user.headers, { name: 'house-style', content: 'My style.' })).statusCode).toBe(200)
    expect((await save(user.headers, { name: 'house-style', content: 'Changed.' }, id)).statusCode).toBe(403)
    const deletion = await t.app.inject({ method: 'DELETE', url: `/api/users/me/prompts/${id}`, headers: user.headers })
    expect(deletion.statusCode).toBe(403)
    // Shared names are unique among the shared prompts, whoever offers them.
    const account = newAccount('admin')
    const made = await t.app.inject({
      method: 'POST',
      url: '/api/admin/users',
      headers: admin,
      payload: { username: account.username, email: account.email, roles: ['admin', 'user'] },
    })
    const secondAdmin = {
      authorization: `Bearer ${(await login(t.app, account.username, made.json<{ password: string }>().password)).access_token}`,
    }
    const again = await save(secondAdmin, { name: 'house-style', content: 'Another.', shared: true })
    expect(again.statusCode).toBe(409)
    expect(errorOf(again).message).toBe('A prompt named /house-style is already offered to everyone')
    // An admin changes a prompt another admin offered.
    const edited = await save(secondAdmin, { name: 'house-style', content: 'Our style, edited.', shared: true }, id)
    expect(edited.json<Prompt>()).toMatchObject({ content: 'Our style, edited.', mine: false })

    // Taken back, it is its author's alone again.
    const taken = await save(admin, { name: 'house-style', content: 'Write in our house style.', shared: false }, id)
    expect(taken.json<Prompt>()).toMatchObject({ shared: false, mine: true })
    expect((await list(user.headers)).map((prompt) => [prompt.name, prompt.mine])).toEqual([['house-style', true]])
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
