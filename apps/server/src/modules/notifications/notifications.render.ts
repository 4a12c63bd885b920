import type { DomainEvent } from '@parley/protocol'
import type { NotifySelector } from '../../config.ts'

/** As the chat API this grew from showed them: users green, the assistant orange. */
const COLOURS = { user: 0x00ff00, assistant: 0xff9900, session: 0x5865f2, failed: 0xff0000, flag: 0xffcc00 }
/** Discord allows 4,096 characters in a description; operators skim, so messages are cut much earlier. */
const CONTENT_LIMIT = 1000

export interface Embed {
  title: string
  description?: string
  color: number
  fields: { name: string; value: string; inline?: boolean }[]
  timestamp: string
}

/** `v***r@example.com`: enough to tell visitors apart, not enough to write to them. */
function maskEmail(email: string): string {
  const at = email.lastIndexOf('@')
  if (at <= 0) return '***'
  const local = email.slice(0, at)
  return `${local[0]}***${local.length > 1 ? local.at(-1) : ''}${email.slice(at)}`
}

/** The event as stored in the outbox and sent out: e-mails masked and IPs left out unless configured. */
export function withoutPersonalData(event: DomainEvent, includePersonalData: boolean): DomainEvent {
  if (includePersonalData) return event
  if (event.type === 'guest_session.started')
    return {
      ...event,
      data: { ...event.data, email: event.data.email === null ? null : maskEmail(event.data.email), ip: null },
    }
  if (event.type === 'user.registered') return { ...event, data: { ...event.data, email: maskEmail(event.data.email) } }
  return event
}

const cut = (text: string) => (text.length > CONTENT_LIMIT ? `${text.slice(0, CONTENT_LIMIT - 1)}…` : text) || '(empty)'
const short = (id: string) => id.replaceAll('-', '').slice(-8)

/** Which selector of PARLEY_DISCORD_NOTIFY / PARLEY_SLACK_NOTIFY an event falls under (none: never sent). */
export function selectorOf(event: DomainEvent): NotifySelector | undefined {
  switch (event.type) {
    case 'user.registered':
      return 'registrations'
    case 'guest_session.started':
      return 'guest_sessions'
    case 'conversation.created':
      // A guest's conversation belongs to the session's thread, opened when the session started.
      return event.data.guest ? undefined : 'user_conversations'
    case 'message.created':
    case 'reply.completed':
    case 'reply.failed':
    case 'reply.interrupted':
      return event.data.guest ? 'guest_messages' : 'user_conversations'
    case 'message.flagged':
      return 'flags'
    default:
      return undefined
  }
}

/** The session or conversation an event belongs to (a guest's session holds one conversation), if any. */
export function conversationKeyOf(event: DomainEvent): string | undefined {
  switch (event.type) {
    case 'guest_session.started':
      return `guest:${event.data.user_id}`
    case 'conversation.created':
    case 'message.created':
    case 'reply.completed':
    case 'reply.failed':
    case 'reply.interrupted':
    case 'message.flagged':
      return event.data.guest ? `guest:${event.data.user_id}` : `conversation:${event.data.conversation_id}`
    default:
      return undefined
  }
}

/** The name of the thread an event opens. */
export function threadNameOf(event: DomainEvent): string {
  if (event.type === 'guest_session.started') return `Guest ${event.data.email ?? 'visitor'}`.slice(0, 100)
  if (event.type === 'conversation.created')
    return (event.data.title ?? `Conversation ${short(event.data.conversation_id)}`).slice(0, 100)
  if ('conversation_id' in event.data) return `Chat ${short(event.data.conversation_id)}`
  return event.type
}

/** One Discord embed per event. */
export function embedOf(event: DomainEvent): Embed {
  const base = { timestamp: event.timestamp, fields: [] as Embed['fields'] }
  switch (event.type) {
    case 'guest_session.started':
      return {
        ...base,
        title: 'New guest session',
        color: COLOURS.session,
        fields: [
          { name: 'Session', value: event.data.session_id },
          { name: 'E-mail', value: event.data.email ?? 'not asked', inline: true },
          ...(event.data.widget_id ? [{ name: 'Widget', value: event.data.widget_id, inline: true }] : []),
          ...(event.data.ip ? [{ name: 'IP', value: event.data.ip, inline: true }] : []),
        ],
      }
    case 'conversation.created':
      return {
        ...base,
        title: 'New conversation',
        color: COLOURS.session,
        fields: [
          { name: 'Conversation', value: event.data.conversation_id },
          { name: 'User', value: event.data.user_id },
        ],
      }
    case 'message.created':
      return {
        ...base,
        title: 'User',
        description: cut(event.data.content),
        color: COLOURS.user,
        fields: [{ name: 'Message ID', value: event.data.message_id }],
      }
    case 'reply.completed':
    case 'reply.interrupted':
    case 'reply.failed': {
      const title =
        event.type === 'reply.completed'
          ? 'Assistant'
          : event.type === 'reply.failed'
            ? 'Reply failed'
            : 'Reply stopped'
      const reason =
        event.type === 'reply.failed' && event.data.reason ? [{ name: 'Reason', value: cut(event.data.reason) }] : []
      return {
        ...base,
        title,
        description: cut(event.data.content),
        color: event.type === 'reply.failed' ? COLOURS.failed : COLOURS.assistant,
        fields: [
          { name: 'Message ID', value: event.data.message_id },
          { name: 'Model', value: event.data.call.model, inline: true },
          ...reason,
        ],
      }
    }
    case 'message.flagged':
      return {
        ...base,
        title: event.data.action === 'blocked' ? 'Message blocked' : 'Message flagged',
        description: cut(event.data.excerpt),
        color: COLOURS.flag,
        fields: [
          { name: 'Rules', value: event.data.rules.join(', ') || '-' },
          { name: 'Conversation', value: event.data.conversation_id },
        ],
      }
    case 'user.registered':
      return {
        ...base,
        title: 'New user',
        color: COLOURS.session,
        fields: [
          { name: 'Username', value: event.data.username, inline: true },
          { name: 'E-mail', value: event.data.email, inline: true },
        ],
      }
    default:
      return {
        ...base,
        title: event.type,
        color: COLOURS.session,
        description: JSON.stringify(event.data).slice(0, 1000),
      }
  }
}

/** The same message as Slack text (mrkdwn). */
export function slackTextOf(event: DomainEvent): string {
  const embed = embedOf(event)
  const fields = embed.fields.map((field) => `${field.name}: ${field.value}`).join(' · ')
  return [`*${embed.title}*`, embed.description, fields].filter(Boolean).join('\n')
}
