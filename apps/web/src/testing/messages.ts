import type { Message } from '@parley/protocol'

/** A stored message for tests: a complete, empty reply in conversation `c1` unless `fields` say otherwise. */
export const messageOf = (fields: Partial<Message> = {}): Message => ({
  id: 'm1',
  conversation_id: 'c1',
  role: 'assistant',
  content: '',
  status: 'complete',
  model: null,
  prompt_tokens: null,
  completion_tokens: null,
  created_at: '2026-01-01T00:00:00.000Z',
  ...fields,
})
