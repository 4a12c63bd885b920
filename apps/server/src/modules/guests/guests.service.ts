import type { ChatEvent, GuestChatResponse, GuestHistoryResponse, GuestSessionResponse } from '@parley/protocol'
import type { Config } from '../../config.ts'
import type { Db } from '../../db/database.ts'
import { AppError, notFound } from '../../shared/errors.ts'
import type { DomainEvents } from '../../shared/domain-events.ts'
import type { Runtime } from '../../shared/runtime.ts'
import { hashSecret } from '../../shared/secrets.ts'
import type { AuditService } from '../audit/audit.service.ts'
import type { AuthService } from '../auth/auth.service.ts'
import type { ClientInfo, Principal } from '../auth/principal.ts'
import type { ChatService } from '../chat/chat.service.ts'
import type { GuardService } from '../guard/guard.service.ts'
import * as repo from './guests.repo.ts'

export interface GuestsServiceDeps {
  db: Db
  runtime: Runtime
  auth: AuthService
  chat: ChatService
  guard: GuardService
  audit: AuditService
  settings: Config['guard']
  /** Where `guest_session.started` is published. */
  events?: DomainEvents | undefined
}

/** The public-widget chat: e-mail sessions, one implicit conversation each, capped and guarded. */
export function createGuestsService(deps: GuestsServiceDeps) {
  const { db, runtime, auth, chat, guard, audit, settings } = deps
  const nowIso = () => runtime.now().toISOString()

  async function sessionOf(principal: Principal) {
    const row = principal.sessionId ? await repo.findGuestSession(db, principal.sessionId) : undefined
    if (!row) throw notFound('Guest session')
    return row
  }

  return {
    async start(email: string, client: ClientInfo): Promise<GuestSessionResponse> {
      const address = email.toLowerCase()
      const session = await auth.startGuestSession(client, settings.guestSessionTtlMs)
      const now = nowIso()
      await repo.insertGuestSession(db, {
        id: session.sessionId,
        user_id: session.userId,
        email_hash: hashSecret(address),
        email: settings.storeGuestEmail ? address : null,
        user_agent_hash: client.userAgent ? hashSecret(client.userAgent) : null,
        ip: client.ip,
        conversation_id: null,
        message_count: 0,
        created_at: now,
        expires_at: session.expiresAt,
        last_activity_at: now,
      })
      await audit.record({
        type: 'guest.session_created',
        actorId: session.userId,
        ip: client.ip,
        detail: { session_id: session.sessionId },
      })
      deps.events?.publish('guest_session.started', {
        session_id: session.sessionId,
        user_id: session.userId,
        email: address,
        ip: client.ip,
      })
      return {
        access_token: session.accessToken,
        token_type: 'bearer',
        expires_in: session.expiresIn,
        session_id: session.sessionId,
      }
    },

    /** Sends a guest message through the same chat path as everyone (guard, models, context, storage). */
    async send(
      principal: Principal,
      message: string,
      options: { signal?: AbortSignal; onEvent?: (event: ChatEvent) => void } = {},
    ): Promise<GuestChatResponse> {
      const session = await sessionOf(principal)
      if (session.message_count >= settings.guestMessageCap) {
        guard.countCap()
        throw new AppError(
          'message_cap_reached',
          `This chat has reached its limit of ${settings.guestMessageCap} messages`,
        )
      }
      let conversationId = session.conversation_id
      if (!conversationId) {
        conversationId = (await chat.create(principal, { title: 'Guest chat' })).id
        await repo.setGuestConversation(db, session.id, conversationId)
      }
      const result = await chat.send(principal, conversationId, message, options)
      await repo.countGuestMessage(db, session.id, nowIso())
      const reply = result.assistant_message
      const failed = reply.status === 'failed'
      return {
        success: !failed,
        response: failed ? 'Sorry, no answer could be produced right now. Please try again.' : reply.content,
        message_id: reply.id,
      }
    },

    async history(principal: Principal, limit: number): Promise<GuestHistoryResponse> {
      const session = await sessionOf(principal)
      if (!session.conversation_id) return { messages: [], total: 0 }
      const { turns, total } = await chat.turns(principal, session.conversation_id, limit)
      return {
        messages: turns.map(({ user, reply }) => ({
          id: user.id,
          message: user.content,
          response: reply ? reply.content : null,
          status: reply ? reply.status : null,
          timestamp: user.created_at,
        })),
        total,
      }
    },

    list: (options: { limit: number; offset: number }) => repo.listGuestSessions(db, { ...options, now: nowIso() }),

    async end(actor: Principal, id: string, client: ClientInfo): Promise<void> {
      const session = await repo.findGuestSession(db, id)
      if (!session) throw notFound('Guest session')
      await auth.revokeAll(session.user_id, 'ended_by_operator')
      await audit.record({
        type: 'guest.session_ended',
        actorId: actor.userId,
        targetId: session.user_id,
        ip: client.ip,
        detail: { session_id: id },
      })
    },
  }
}

export type GuestsService = ReturnType<typeof createGuestsService>
