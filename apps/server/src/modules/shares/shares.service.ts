import { randomBytes } from 'node:crypto'
import type { Share, SharedConversation, SharedMessage } from '@parley/protocol'
import type { Db } from '../../db/database.ts'
import { AppError, conflict, notFound } from '../../shared/errors.ts'
import { type Runtime, daysAfter } from '../../shared/runtime.ts'
import type { Principal } from '../auth/principal.ts'
import type { ChatService } from '../chat/chat.service.ts'
import type { GuardService } from '../guard/guard.service.ts'
import * as repo from './shares.repo.ts'

/** 18 random bytes: 24 characters in base64url, beyond guessing. */
const newShareId = () => randomBytes(18).toString('base64url')

/**
 * Largest copy kept (its JSON): each link is a copy, and each read of it is held in memory whole. A conversation
 * longer than this (a few long replies at the 1,000,000-character cap) is not shared.
 */
const MAX_COPY_BYTES = 4 * 1024 * 1024
/** An account makes at most 30 links an hour by default: this many is weeks of sharing. */
const MAX_LISTED = 500

/**
 * Shared links: anyone with one reads a copy of a conversation's active branch as it was when shared (what was
 * said and by which model; no ids, no owner). Later messages, edits and deletions of messages are not in it; the
 * owner ends a link by deleting it, it may expire after a lifetime chosen when it was made, and deleting the
 * conversation or the account ends its links.
 */
export function createSharesService(deps: {
  db: Db
  runtime: Runtime
  chat: ChatService
  guard: Pick<GuardService, 'limitCreation'>
}) {
  const { db, runtime, chat, guard } = deps
  return {
    async share(principal: Principal, conversationId: string, expiresInDays: number | null = null): Promise<Share> {
      const { conversation, messages } = await chat.exportConversation(principal, conversationId)
      const copy: SharedMessage[] = messages
        .filter((message) => message.role !== 'system' && message.status !== 'streaming' && message.content !== '')
        .map((message) => ({
          role: message.role === 'user' ? 'user' : 'assistant',
          content: message.content,
          model: message.role === 'assistant' ? message.model : null,
          created_at: message.created_at,
        }))
      if (copy.length === 0) throw conflict('This conversation has nothing to share yet')
      const messagesJson = JSON.stringify(copy)
      if (Buffer.byteLength(messagesJson) > MAX_COPY_BYTES)
        throw new AppError('payload_too_large', 'This conversation is too long to share: a copy holds at most 4 MB')
      await guard.limitCreation('share', principal.userId)
      const now = runtime.now()
      const row = {
        id: newShareId(),
        conversation_id: conversation.id,
        owner_id: principal.userId,
        title: conversation.title ?? 'New chat',
        messages: messagesJson,
        message_count: copy.length,
        created_at: now.toISOString(),
        expires_at: expiresInDays ? daysAfter(now, expiresInDays) : null,
      }
      await repo.insertShare(db, row)
      return repo.toShare(row)
    },

    async list(principal: Principal, conversationId: string): Promise<Share[]> {
      await chat.get(principal, conversationId)
      return repo.listShares(db, { conversationId })
    },

    /** All of an account's links, newest first (the newest `MAX_LISTED`), to end them from one place. */
    listAll: (principal: Principal): Promise<Share[]> =>
      repo.listShares(db, { ownerId: principal.userId, limit: MAX_LISTED }),

    async remove(principal: Principal, shareId: string): Promise<void> {
      if (!(await repo.deleteShare(db, shareId, principal.userId))) throw notFound('Shared link')
    },

    /** What anyone with the link reads, until it expires (then it is as gone as an ended link). */
    async read(shareId: string): Promise<SharedConversation> {
      const row = await repo.findShare(db, shareId)
      if (!row || (row.expires_at !== null && row.expires_at <= runtime.now().toISOString()))
        throw notFound('Shared conversation')
      return repo.toSharedConversation(row)
    },
  }
}

export type SharesService = ReturnType<typeof createSharesService>
