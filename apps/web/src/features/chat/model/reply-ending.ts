import type { Message } from '@parley/protocol'

/** How a reply that did not complete ended, in words: shown apart from its details, never hidden. */
const ENDING: Partial<Record<Message['status'], string>> = {
  stopped: 'Stopped before the end.',
  failed: 'This reply failed: no model could answer.',
  interrupted: 'Interrupted: the reply was cut off before it finished.',
}

/** The server's stored reason (e.g. "upstream answered 401") when it gave one, else the general sentence. */
export function endingOf(message: Message): string | undefined {
  const ending = ENDING[message.status]
  if (!ending || !message.failure) return ending
  const partial = message.content.length > 0 ? ' The text above is what arrived before it.' : ''
  return message.status === 'failed'
    ? `This reply failed: ${message.failure.message}.${partial}`
    : `Interrupted: ${message.failure.message}.${partial}`
}
