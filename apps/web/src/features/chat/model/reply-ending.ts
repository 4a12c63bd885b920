import { type Message, cutAtTokenLimit, endedEarly } from '@parley/protocol'

/** How a reply that did not complete ended, in words: shown apart from its details, never hidden. */
const ENDING: Partial<Record<Message['status'], string>> = {
  stopped: 'Stopped before the end.',
  failed: 'This reply failed: no model could answer.',
  interrupted: 'Interrupted: the reply was cut off before it finished.',
}

/** The server's stored reason (e.g. "upstream answered 401") when it gave one, else the general sentence. */
export function endingOf(message: Message): string | undefined {
  if (cutAtTokenLimit(message)) return 'Cut off: the reply reached its length limit.'
  const ending = ENDING[message.status]
  if (!ending || !message.failure) return ending
  const partial = message.content.length > 0 ? ' The text above is what arrived before it.' : ''
  return message.status === 'failed'
    ? `This reply failed: ${message.failure.message}.${partial}`
    : `Interrupted: ${message.failure.message}.${partial}`
}

/** Whether the ending is a problem to announce (a failure), rather than something the user or a limit chose. */
export const endedInTrouble = (message: Message) => message.status === 'failed' || message.status === 'interrupted'

/** A reply that ended before the model finished, with text to go on from: Continue appends to it. */
export const canContinue = (message: Message) =>
  message.role === 'assistant' && message.content.length > 0 && endedEarly(message)

/**
 * A reply a new chat can start from: it is over and has text to carry on from. A failed reply is left out: what it
 * offers is Retry, here.
 */
export const canBranchFrom = (message: Message) =>
  message.role === 'assistant' &&
  message.content.length > 0 &&
  message.status !== 'streaming' &&
  message.status !== 'failed'
