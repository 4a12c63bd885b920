import type { Role } from '@parley/protocol'
import type { Config } from '../../config.ts'

type RoleMapping = NonNullable<NonNullable<Config['singleSignOn']>['roleMapping']>

/**
 * The values an identity provider gives in a claim: the top-level claim of that exact name (Auth0 names custom
 * claims by URL, dots and all), else the claim at that dotted path (Keycloak nests realm roles in
 * `realm_access.roles`). A single string is one value; anything else counts as none.
 */
export function claimValues(claims: Record<string, unknown>, name: string): string[] {
  const value =
    name in claims
      ? claims[name]
      : name
          .split('.')
          .reduce<unknown>(
            (node, key) =>
              node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined,
            claims,
          )
  const values = typeof value === 'string' ? [value] : Array.isArray(value) ? value : []
  return values.filter((item): item is string => typeof item === 'string')
}

/**
 * The roles a person's groups at the identity provider give them here (admin before manager before user), or
 * undefined when none of them is allowed in (`PARLEY_OIDC_ALLOWED_ROLES`; the admin and manager groups are).
 */
export function rolesFromClaims(mapping: RoleMapping, claims: Record<string, unknown>): Role[] | undefined {
  const values = new Set(claimValues(claims, mapping.claim))
  const inAny = (names: readonly string[]) => names.some((name) => values.has(name))
  if (inAny(mapping.admin)) return ['admin', 'user']
  if (inAny(mapping.manager)) return ['manager', 'user']
  if (mapping.allowed.length > 0 && !inAny(mapping.allowed)) return undefined
  return ['user']
}
