import type {
  ChatEvent,
  GuestChatResponse,
  GuestHistoryResponse,
  GuestSessionInfo,
  GuestSessionListQuery,
  GuestSessionRequest,
  GuestSessionResponse,
  GuestTranscript,
  Widget,
} from '@parley/protocol'
import type { Config } from '../../config.ts'
import type { Db } from '../../db/database.ts'
import { AppError, badRequest, notFound } from '../../shared/errors.ts'
import type { DomainEvents } from '../../shared/domain-events.ts'
import type { Runtime } from '../../shared/runtime.ts'
import { hashSecret } from '../../shared/secrets.ts'
import type { AuditService } from '../audit/audit.service.ts'
import type { AuthService } from '../auth/auth.service.ts'
import type { ClientInfo, Principal } from '../auth/principal.ts'
import type { ChatService } from '../chat/chat.service.ts'
import type { GuardService } from '../guard/guard.service.ts'
import type { WidgetsService } from '../widgets/widgets.service.ts'
import * as repo from './guests.repo.ts'

export interface GuestsServiceDeps {
  db: Db
  runtime: Runtime
  auth: AuthService
  chat: ChatService
  guard: GuardService
  audit: AuditService
  widgets: Pick<WidgetsService, 'admitNewSession' | 'limitMessage'>
  settings: Config['guard']
  /** Where `guest_session.started` is published. */
  events?: DomainEvents | undefined
}

/** More turns than any guest session can hold under the message cap's range. */
const TRANSCRIPT_LIMIT = 100_000

/** The public-widget chat: e-mail sessions, one implicit conversation each, capped and guarded. */
export function createGuestsService(deps: GuestsServiceDeps) {
  const { db, runtime, auth, chat, guard, audit, widgets, settings } = deps
  const nowIso = () => runtime.now().toISOString()

  /** The caller's guest session; a session started from a widget answers only requests for that widget. */
  async function sessionOf(principal: Principal, widget: Widget | undefined) {
    const row = principal.sessionId ? await repo.findGuestSession(db, principal.sessionId) : undefined
    if (!row) throw notFound('Guest session')
    if (row.widget_id !== (widget?.id ?? null))
      throw new AppError('widget_mismatch', 'This chat session belongs to another widget')
    return row
  }

  async function turnsOf(
    principal: Principal,
    conversationId: string | null,
    limit: number,
  ): Promise<GuestHistoryResponse> {
    if (!conversationId) return { messages: [], total: 0 }
    const { turns, total } = await chat.turns(principal, conversationId, limit)
    return {
      messages: turns.map(({ user, reply }) => ({
        id: user.id,
        message: user.content,
        response: reply ? reply.content : null,
        status: reply ? reply.status : null,
        finish_reason: reply?.finish_reason ?? null,
        timestamp: user.created_at,
      })),
      total,
    }
  }

  return {
    async start(
      input: GuestSessionRequest,
      client: ClientInfo,
      widget?: Widget | undefined,
    ): Promise<GuestSessionResponse> {
      if (widget) await widgets.admitNewSession(widget, input.altcha)
      if (!input.email && (!widget || widget.ask_email))
        throw badRequest('An e-mail address is required', [{ path: 'email', message: 'is required' }])
      const address = input.email?.toLowerCase()
      const session = await auth.startGuestSession(client, settings.guestSessionTtlMs)
      const now = nowIso()
      await repo.insertGuestSession(db, {
        id: session.sessionId,
        user_id: session.userId,
        // An anonymous widget chat has no address; the empty hash matches no returning visitor.
        email_hash: address ? hashSecret(address) : '',
        email: address && settings.storeGuestEmail ? address : null,
        user_agent_hash: client.userAgent ? hashSecret(client.userAgent) : null,
        ip: client.ip,
        conversation_id: null,
        message_count: 0,
        created_at: now,
        expires_at: session.expiresAt,
        last_activity_at: now,
        widget_id: widget?.id ?? null,
      })
      await audit.record({
        type: 'guest.session_created',
        actorId: session.userId,
        ip: client.ip,
        detail: { session_id: session.sessionId, widget_id: widget?.id ?? null },
      })
      deps.events?.publish('guest_session.started', {
        session_id: session.sessionId,
        user_id: session.userId,
        email: address ?? null,
        ip: client.ip,
        widget_id: widget?.id ?? null,
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
      options: { onEvent?: (event: ChatEvent) => void; widget?: Widget | undefined } = {},
    ): Promise<GuestChatResponse> {
      const { widget, ...sendOptions } = options
      const session = await sessionOf(principal, widget)
      // A widget's own limits narrow the server-wide guest limits, never widen them.
      const cap = Math.min(settings.guestMessageCap, widget?.messages_per_session ?? Infinity)
      if (session.message_count >= cap) {
        guard.countCap()
        throw new AppError('message_cap_reached', `This chat has reached its limit of ${cap} messages`)
      }
      if (widget) await widgets.limitMessage(widget, session.id)
      let conversationId = session.conversation_id
      if (!conversationId) {
        const setup = widget ? { model: widget.model, system_prompt: widget.system_prompt } : {}
        conversationId = (await chat.create(principal, { title: 'Guest chat', ...setup })).id
        await repo.setGuestConversation(db, session.id, conversationId)
      }
      const result = await chat.send(principal, conversationId, message, sendOptions)
      await repo.countGuestMessage(db, session.id, nowIso())
      const reply = result.assistant_message
      const failed = reply.status === 'failed'
      return {
        success: !failed,
        response: failed ? 'Sorry, no answer could be produced right now. Please try again.' : reply.content,
        message_id: reply.id,
      }
    },

    /**
     * Follows the answer being written in the guest conversation to its end (see `ChatService.followReply`), for a
     * page loaded while the page that sent the message was still receiving it. The session is checked first, so a
     * refusal is an HTTP error rather than an event of the stream.
     */
    async follow(principal: Principal, widget: Widget | undefined) {
      const session = await sessionOf(principal, widget)
      return async (options: { onEvent: (event: ChatEvent) => void; signal: AbortSignal }) => {
        if (session.conversation_id) await chat.followReply(principal, session.conversation_id, options)
      }
    },

    async history(principal: Principal, limit: number, widget?: Widget | undefined): Promise<GuestHistoryResponse> {
      const session = await sessionOf(principal, widget)
      return turnsOf(principal, session.conversation_id, limit)
    },

    list: (options: GuestSessionListQuery) => repo.listGuestSessions(db, { ...options, now: nowIso() }),

    /** Flags a session (or changes the reason of its flag), or clears the flag with `reason` null. */
    async setFlag(actor: Principal, id: string, reason: string | null, client: ClientInfo): Promise<GuestSessionInfo> {
      const flag = reason === null ? null : { at: nowIso(), reason, by: actor.userId }
      if (!(await repo.setGuestSessionFlag(db, id, flag))) throw notFound('Guest session')
      await audit.record({
        type: reason === null ? 'guest.session_unflagged' : 'guest.session_flagged',
        actorId: actor.userId,
        targetId: id,
        ip: client.ip,
        detail: reason === null ? { session_id: id } : { session_id: id, reason },
      })
      return (await repo.findGuestSessionInfo(db, id, nowIso()))!
    },

    /** A session and its whole conversation, for operators. */
    async transcript(id: string): Promise<GuestTranscript> {
      const session = await repo.findGuestSessionInfo(db, id, nowIso())
      const row = await repo.findGuestSession(db, id)
      if (!session || !row) throw notFound('Guest session')
      // The conversation is read as its owner, the guest, through the same path the guest's own history takes.
      const owner: Principal = { userId: row.user_id, username: '', roles: ['guest'], sessionId: id, apiKeyId: null }
      const { messages } = await turnsOf(owner, row.conversation_id, TRANSCRIPT_LIMIT)
      return { session, messages }
    },

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
