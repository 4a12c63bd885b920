import type { Conversation, Message } from '@parley/protocol'

const ROLE_HEADING = { user: 'User', assistant: 'Assistant', system: 'System' } as const

/** A readable Markdown transcript; message text is kept verbatim. */
export function conversationToMarkdown(conversation: Conversation, messages: readonly Message[]): string {
  const lines = [
    `# ${conversation.title ?? 'Conversation'}`,
    '',
    `Exported from Parley · created ${conversation.created_at}`,
    '',
  ]
  if (conversation.system_prompt) lines.push('## System prompt', '', conversation.system_prompt, '')
  for (const message of messages) {
    const details = [message.created_at, message.model, message.status !== 'complete' ? message.status : null].filter(
      Boolean,
    )
    lines.push(`## ${ROLE_HEADING[message.role]}`, '', `_${details.join(' · ')}_`, '', message.content, '')
  }
  return lines.join('\n')
}

/** A JSON array written an item at a time, one per line: a large one is never one string in memory. */
export async function* jsonArrayLines(items: AsyncIterable<unknown>): AsyncGenerator<string> {
  let separator = '[\n'
  for await (const item of items) {
    yield separator + JSON.stringify(item)
    separator = ',\n'
  }
  yield separator === '[\n' ? '[]\n' : '\n]\n'
}

/** A file name derived from the title, safe on every file system. */
export function exportFileName(conversation: Conversation, extension: string): string {
  const base = (conversation.title ?? 'conversation')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
  return `${base || 'conversation'}.${extension}`
}
