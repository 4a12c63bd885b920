import { describe, expect, it } from 'vitest'
import { checkPasswordPolicy, hashPassword, verifyPassword } from './passwords.ts'

describe('password policy', () => {
  const check = (password: string, username = 'alice') => checkPasswordPolicy(password, { username })

  it('accepts a long passphrase without composition rules', async () => {
    expect(await check('purple monkey dishwasher')).toEqual([])
  })

  it.each([
    ['123456789', /at least 10/],
    ['x'.repeat(129), /at most 128/],
    ['AliceAlice', undefined],
    ['1234567890', /too common/],
    ['Qwertyuiop', /too common/],
  ])('judges %j', async (password, problem) => {
    const issues = await check(password, password === 'AliceAlice' ? 'aliceALICE' : 'alice')
    expect(issues).toHaveLength(1)
    expect(issues[0]!.path).toBe('password')
    if (problem) expect(issues[0]!.message).toMatch(problem)
    else expect(issues[0]!.message).toMatch(/username/)
  })

  it('counts characters, not bytes', async () => {
    expect(await check('ééééééééééé')).toEqual([])
  })
})

describe('password hashing', () => {
  it('produces argon2id hashes that verify only the right password', async () => {
    const hash = await hashPassword('a good long passphrase')
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(await verifyPassword(hash, 'a good long passphrase')).toBe(true)
    expect(await verifyPassword(hash, 'a good long passphrasE')).toBe(false)
    expect(await verifyPassword('not a hash', 'anything')).toBe(false)
  })
})
