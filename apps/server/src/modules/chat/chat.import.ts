import type { SkippedImport } from '@parley/protocol'
import { z } from 'zod'
import { AppError } from '../../shared/errors.ts'
import type { ConversationRow, MessagesTable } from './chat.table.ts'

/**
 * Reads conversation exports into one shape: Parley's own JSON export (`{ conversation, messages }`), an array of
 * them, ChatGPT's `conversations.json` (an array of conversations whose messages form a tree, `mapping`) and
 * Claude's (an array of conversations with their messages in order, `chat_messages`).
 * Only what Parley can hold is kept: user and assistant text on the conversation's current branch. Everything is
 * read leniently, since real exports vary by year and account: an item this cannot read is left out with a
 * reason, never the whole file.
 */

/** A request holds at most this many conversations (the web app sends a file in parts of 100). */
export const MAX_IMPORT_CONVERSATIONS = 1_000
/** Longer conversations are left out: far beyond anything a chat holds, and one request's worth of rows. */
const MAX_IMPORT_MESSAGES = 10_000
const MAX_TITLE_LENGTH = 200

interface ImportedMessage {
  role: 'user' | 'assistant'
  content: string
  model: string | null
  created_at: string
}

export interface ImportedConversation {
  /** Where it was in the file, for the caller's report. */
  index: number
  title: string | null
  created_at: string
  updated_at: string
  system_prompt: string | null
  temperature: number | null
  max_tokens: number | null
  model: string | null
  /** As the file had them (the import's time is stored as when); archived wins over pinned, which never go together. */
  pinned: boolean
  archived: boolean
  messages: ImportedMessage[]
}

export interface ReadImport {
  conversations: ImportedConversation[]
  skipped: SkippedImport[]
}

const UNRECOGNISED =
  "Not an export Parley can import: expected Parley's JSON export of a conversation (or an array of them), or the conversations.json of ChatGPT's or Claude's data export"

/** An imported conversation as stored: a linear history, each reply answering the user message before it. */
export function importedRows(
  imported: ImportedConversation,
  ownerId: string,
  newId: () => string,
  now: string,
): { conversation: ConversationRow; messages: MessagesTable[] } {
  const { index: _index, messages: turns, pinned, archived, ...fields } = imported
  const conversation: ConversationRow = {
    ...fields,
    id: newId(),
    owner_id: ownerId,
    pinned_at: pinned && !archived ? now : null,
    archived_at: archived ? now : null,
    temporary: 0,
    last_seq: 0,
  }
  const messages: MessagesTable[] = []
  let lastUser: string | null = null
  for (const [index, turn] of turns.entries()) {
    const id = newId()
    messages.push({
      id,
      conversation_id: conversation.id,
      position: index + 1,
      parent_id: messages.at(-1)?.id ?? null,
      role: turn.role,
      content: turn.content,
      status: 'complete',
      reply_to: turn.role === 'assistant' ? lastUser : null,
      superseded: 0,
      client_message_id: null,
      provider: null,
      model: turn.model,
      prompt_tokens: null,
      completion_tokens: null,
      error: null,
      finish_reason: turn.role === 'assistant' ? 'stop' : null,
      created_at: turn.created_at,
      completed_at: turn.created_at,
    })
    if (turn.role === 'user') lastUser = id
  }
  return { conversation, messages }
}

const UNREADABLE = 'not a conversation this importer reads'

/** `now` dates whatever the file does not. */
export function readImportFile(body: unknown, now: string): ReadImport {
  const items = Array.isArray(body) ? body : typeof body === 'object' && body !== null ? [body] : undefined
  if (!items) throw new AppError('validation_failed', UNRECOGNISED)
  if (items.length === 0) throw new AppError('validation_failed', 'The file holds no conversations')
  if (items.length > MAX_IMPORT_CONVERSATIONS)
    throw new AppError(
      'validation_failed',
      `At most ${MAX_IMPORT_CONVERSATIONS.toLocaleString('en')} conversations per request; send the file in parts`,
    )
  const read: ReadImport = { conversations: [], skipped: [] }
  items.forEach((item: unknown, index) => {
    const conversation = readConversation(item, index, now)
    const title = conversation?.title ?? titleOf(item)
    if (!conversation) read.skipped.push({ index, title, reason: UNREADABLE })
    else if (conversation.messages.length === 0) read.skipped.push({ index, title, reason: 'no text messages' })
    else if (conversation.messages.length > MAX_IMPORT_MESSAGES)
      read.skipped.push({ index, title, reason: `more than ${MAX_IMPORT_MESSAGES.toLocaleString('en')} messages` })
    else read.conversations.push(conversation)
  })
  // Nothing in it had either shape: another kind of file altogether.
  if (read.skipped.length === items.length && read.skipped.every(({ reason }) => reason === UNREADABLE))
    throw new AppError('validation_failed', UNRECOGNISED)
  return read
}

const Nullable = <T extends z.ZodType>(schema: T) => schema.nullish().catch(null)

type Reader = (item: unknown, index: number, now: string) => ImportedConversation | undefined

/** A format: the shape that recognises one of its conversations, and how that becomes one of Parley's. */
function format<T>(shape: z.ZodType<T>, read: (conversation: T, index: number, now: string) => ImportedConversation) {
  const reader: Reader = (item, index, now) => {
    const parsed = shape.safeParse(item)
    return parsed.success ? read(parsed.data, index, now) : undefined
  }
  return reader
}

/** The first format that recognises the item reads it. */
function readConversation(item: unknown, index: number, now: string): ImportedConversation | undefined {
  for (const reader of [readParley, readChatGpt, readClaude]) {
    const conversation = reader(item, index, now)
    if (conversation) return conversation
  }
  return undefined
}

const ParleyExport = z.object({
  conversation: z.object({
    title: Nullable(z.string()),
    created_at: Nullable(z.string()),
    updated_at: Nullable(z.string()),
    model: Nullable(z.string()),
    system_prompt: Nullable(z.string()),
    temperature: Nullable(z.number().min(0).max(2)),
    max_tokens: Nullable(z.number().int().positive()),
    pinned: Nullable(z.boolean()),
    archived: Nullable(z.boolean()),
  }),
  messages: z.array(
    z.object({
      role: z.string(),
      content: z.string(),
      model: Nullable(z.string()),
      created_at: Nullable(z.string()),
    }),
  ),
})
type ParleyExport = z.infer<typeof ParleyExport>

function fromParley({ conversation, messages }: ParleyExport, index: number, now: string): ImportedConversation {
  const created = isoOr(conversation.created_at, now)
  const turns = mergeTurns(
    messages.flatMap(({ role, content, model, created_at }) =>
      role === 'user' || role === 'assistant'
        ? [
            {
              role,
              content,
              model: role === 'assistant' ? (model ?? null) : null,
              created_at: isoOr(created_at, created),
            },
          ]
        : [],
    ),
  )
  return {
    index,
    title: cleanTitle(conversation.title),
    created_at: created,
    updated_at: isoOr(conversation.updated_at, turns.at(-1)?.created_at ?? created),
    system_prompt: conversation.system_prompt?.trim() || null,
    temperature: conversation.temperature ?? null,
    max_tokens: conversation.max_tokens ?? null,
    model: conversation.model ?? null,
    pinned: conversation.pinned === true,
    archived: conversation.archived === true,
    messages: turns,
  }
}

const readParley = format(ParleyExport, fromParley)

const ChatGptNode = z.object({
  parent: Nullable(z.string()),
  children: z.array(z.string()).catch([]),
  message: Nullable(
    z.object({
      author: z.object({ role: z.string() }),
      create_time: Nullable(z.number()),
      content: z.object({ content_type: z.string(), parts: z.array(z.unknown()).catch([]) }).catch({
        content_type: 'unknown',
        parts: [],
      }),
      recipient: Nullable(z.string()),
      metadata: z
        .object({
          model_slug: Nullable(z.string()),
          is_visually_hidden_from_conversation: Nullable(z.boolean()),
        })
        .catch({}),
    }),
  ),
})
const ChatGptConversation = z.object({
  title: Nullable(z.string()),
  create_time: Nullable(z.number()),
  update_time: Nullable(z.number()),
  current_node: Nullable(z.string()),
  is_archived: Nullable(z.boolean()),
  mapping: z.record(z.string(), z.unknown()),
})
type ChatGptNode = z.infer<typeof ChatGptNode>
type ChatGptConversation = z.infer<typeof ChatGptConversation>

/** The content types that are the conversation's own text; the rest is tool output, reasoning, browsing. */
const TEXT_CONTENT = new Set(['text', 'multimodal_text'])

function fromChatGpt(conversation: ChatGptConversation, index: number, now: string): ImportedConversation {
  const created = epochOr(conversation.create_time, now)
  const turns = mergeTurns(
    currentBranch(conversation.mapping, conversation.current_node).flatMap(({ message }) => {
      if (!message || message.metadata.is_visually_hidden_from_conversation) return []
      const role = message.author.role
      if (role !== 'user' && role !== 'assistant') return []
      // An assistant message addressed elsewhere is a tool call, not a reply.
      if (message.recipient && message.recipient !== 'all') return []
      if (!TEXT_CONTENT.has(message.content.content_type)) return []
      const content = message.content.parts.filter((part) => typeof part === 'string').join('\n\n')
      return [
        {
          role,
          content,
          model: role === 'assistant' ? (message.metadata.model_slug ?? null) : null,
          created_at: epochOr(message.create_time, created),
        },
      ]
    }),
  )
  return {
    index,
    title: cleanTitle(conversation.title),
    created_at: created,
    updated_at: epochOr(conversation.update_time, turns.at(-1)?.created_at ?? created),
    system_prompt: null,
    temperature: null,
    max_tokens: null,
    model: null,
    pinned: false,
    archived: conversation.is_archived === true,
    messages: turns,
  }
}

const readChatGpt = format(ChatGptConversation, fromChatGpt)

/**
 * The nodes from the root to `current` (the branch the conversation showed); without it, the newest child at each
 * step from the root. A malformed tree (a cycle, a missing parent) ends the walk where it breaks.
 */
function currentBranch(mapping: Record<string, unknown>, current: string | null | undefined): ChatGptNode[] {
  const parsed = new Map<string, ChatGptNode | undefined>()
  const node = (id: string | null | undefined) => {
    if (!id) return undefined
    if (!parsed.has(id)) parsed.set(id, ChatGptNode.safeParse(mapping[id]).data)
    return parsed.get(id)
  }
  const branch: ChatGptNode[] = []
  const seen = new Set<string>()
  if (current && node(current)) {
    for (let id: string | null | undefined = current; id && !seen.has(id); id = node(id)?.parent) {
      const found = node(id)
      if (!found) break
      seen.add(id)
      branch.push(found)
    }
    return branch.reverse()
  }
  let id = Object.keys(mapping).find((key) => !node(key)?.parent)
  while (id && !seen.has(id)) {
    const found = node(id)
    if (!found) break
    seen.add(id)
    branch.push(found)
    id = found.children.at(-1)
  }
  return branch
}

const ClaudeMessage = z.object({
  sender: z.string(),
  text: Nullable(z.string()),
  content: z.array(z.object({ type: z.string(), text: Nullable(z.string()) }).catch({ type: 'unknown' })).catch([]),
  created_at: Nullable(z.string()),
})
const ClaudeConversation = z.object({
  name: Nullable(z.string()),
  created_at: Nullable(z.string()),
  updated_at: Nullable(z.string()),
  chat_messages: z.array(z.unknown()),
})
type ClaudeConversation = z.infer<typeof ClaudeConversation>

/**
 * Claude's export holds each conversation's messages in order, `human` and `assistant`. A message's text blocks are
 * its words (tool calls, their results and thinking are blocks of other types); an older export has only `text`.
 */
function fromClaude(conversation: ClaudeConversation, index: number, now: string): ImportedConversation {
  const created = isoOr(conversation.created_at, now)
  const turns = mergeTurns(
    conversation.chat_messages.flatMap((item) => {
      const message = ClaudeMessage.safeParse(item).data
      const role = message?.sender === 'human' || message?.sender === 'user' ? 'user' : message?.sender
      if (!message || (role !== 'user' && role !== 'assistant')) return []
      const blocks = message.content.filter((block) => block.type === 'text' && block.text).map((block) => block.text)
      const content = blocks.length > 0 ? blocks.join('\n\n') : (message.text ?? '')
      return [{ role, content, model: null, created_at: isoOr(message.created_at, created) }]
    }),
  )
  return {
    index,
    title: cleanTitle(conversation.name),
    created_at: created,
    updated_at: isoOr(conversation.updated_at, turns.at(-1)?.created_at ?? created),
    system_prompt: null,
    temperature: null,
    max_tokens: null,
    model: null,
    pinned: false,
    archived: false,
    messages: turns,
  }
}

const readClaude = format(ClaudeConversation, fromClaude)

/**
 * Empty messages go, and messages of one role in a row become one (a reply written in several parts around tool
 * calls), so the conversation alternates as one Parley holds does: each reply answers the message before it.
 */
function mergeTurns(messages: ImportedMessage[]): ImportedMessage[] {
  const turns: ImportedMessage[] = []
  for (const message of messages) {
    const content = message.content.trim()
    if (!content) continue
    const last = turns.at(-1)
    if (last?.role === message.role) last.content += `\n\n${content}`
    else turns.push({ ...message, content })
  }
  return turns
}

function cleanTitle(title: string | null | undefined): string | null {
  const clean = title?.replace(/\s+/g, ' ').trim().slice(0, MAX_TITLE_LENGTH)
  return clean || null
}

function titleOf(item: unknown): string | null {
  if (typeof item !== 'object' || item === null) return null
  const title = (item as { title?: unknown }).title
  return typeof title === 'string' ? cleanTitle(title) : null
}

function isoOr(value: string | null | undefined, fallback: string): string {
  const time = value ? Date.parse(value) : Number.NaN
  return Number.isFinite(time) ? new Date(time).toISOString() : fallback
}

/** ChatGPT's times are seconds since 1970, with a fraction. */
function epochOr(seconds: number | null | undefined, fallback: string): string {
  const time = typeof seconds === 'number' ? seconds * 1000 : Number.NaN
  return Number.isFinite(time) && time > 0 && time < 8.64e15 ? new Date(time).toISOString() : fallback
}
