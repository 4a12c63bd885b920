import { describe, expect, it } from 'vitest'
import { claimValues, rolesFromClaims } from './identity-roles.ts'

describe('the groups an identity provider gives', () => {
  it('are read from a claim by its name, a dotted path, or a name that is a URL', () => {
    const claims = {
      groups: ['staff', 'parley-admins'],
      realm_access: { roles: ['offline_access', 'parley-managers'] },
      'https://parley.example/roles': 'staff',
      odd: [1, 'staff', null],
      none: { roles: 'x' },
    }
    expect(claimValues(claims, 'groups')).toEqual(['staff', 'parley-admins'])
    expect(claimValues(claims, 'realm_access.roles')).toEqual(['offline_access', 'parley-managers'])
    expect(claimValues(claims, 'https://parley.example/roles')).toEqual(['staff'])
    expect(claimValues(claims, 'odd')).toEqual(['staff'])
    expect(claimValues(claims, 'none')).toEqual([])
    expect(claimValues(claims, 'missing.path')).toEqual([])
  })

  it('give the highest role any of them names, and no way in outside the allowed groups', () => {
    const mapping = { claim: 'groups', admin: ['admins'], manager: ['leads'], allowed: ['staff'] }
    expect(rolesFromClaims(mapping, { groups: ['staff', 'leads', 'admins'] })).toEqual(['admin', 'user'])
    expect(rolesFromClaims(mapping, { groups: ['leads'] })).toEqual(['manager', 'user'])
    expect(rolesFromClaims(mapping, { groups: ['staff'] })).toEqual(['user'])
    expect(rolesFromClaims(mapping, { groups: ['Staff'] })).toBeUndefined()
    expect(rolesFromClaims(mapping, {})).toBeUndefined()
    expect(rolesFromClaims({ ...mapping, allowed: [] }, {})).toEqual(['user'])
  })
})
