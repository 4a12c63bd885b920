import type { ApiKeyInfo, CreateApiKeyRequest, CreatedApiKey } from '@parley/protocol'
import type { Db } from '../../db/database.ts'
import { badRequest, notFound } from '../../shared/errors.ts'
import type { Runtime } from '../../shared/runtime.ts'
import { hashSecret, randomSecret } from '../../shared/secrets.ts'
import type { EventBus } from '../../bus/event-bus.ts'
import type { AuditService } from '../audit/audit.service.ts'
import type { GuardService } from '../guard/guard.service.ts'
import { insertApiKey, listApiKeys, revokeApiKey } from './api-keys.repo.ts'
import type { ClientInfo, Principal } from './principal.ts'

/** Shown in lists so a user can tell keys apart without the secret. */
const PREFIX_LENGTH = 11

export function createApiKeysService(deps: {
  db: Db
  runtime: Runtime
  audit: AuditService
  /** Per-account limit on creating keys. */
  guard: Pick<GuardService, 'limitCreation'>
  /** Tells every replica a key was revoked, so sockets opened with it close. */
  bus: EventBus
}) {
  const { db, runtime, audit, guard } = deps
  return {
    async create(principal: Principal, input: CreateApiKeyRequest, client: ClientInfo): Promise<CreatedApiKey> {
      const now = runtime.now()
      const expiresAt = input.expires_at ? new Date(input.expires_at) : null
      if (expiresAt && expiresAt.getTime() <= now.getTime()) {
        throw badRequest('expires_at must be in the future', [{ path: 'expires_at', message: 'must be in the future' }])
      }
      await guard.limitCreation('api_key', principal.userId)
      const key = `pk_${randomSecret()}`
      const row = {
        id: runtime.newId(),
        user_id: principal.userId,
        name: input.name,
        prefix: key.slice(0, PREFIX_LENGTH),
        key_hash: hashSecret(key),
        created_at: now.toISOString(),
        expires_at: expiresAt?.toISOString() ?? null,
        last_used_at: null,
        revoked_at: null,
      }
      await insertApiKey(db, row)
      await audit.record({
        type: 'api_key.created',
        actorId: principal.userId,
        targetId: principal.userId,
        ip: client.ip,
        detail: { key_id: row.id, name: row.name },
      })
      return {
        id: row.id,
        name: row.name,
        prefix: row.prefix,
        created_at: row.created_at,
        expires_at: row.expires_at,
        key,
      }
    },

    list: (principal: Principal): Promise<ApiKeyInfo[]> => listApiKeys(db, principal.userId),

    async revoke(principal: Principal, id: string, client: ClientInfo): Promise<void> {
      if (!(await revokeApiKey(db, id, principal.userId, runtime.now().toISOString()))) throw notFound('API key')
      await deps.bus.publish({ type: 'auth.api_key_revoked', userId: principal.userId, apiKeyId: id })
      await audit.record({
        type: 'api_key.revoked',
        actorId: principal.userId,
        targetId: principal.userId,
        ip: client.ip,
        detail: { key_id: id },
      })
    },
  }
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>
