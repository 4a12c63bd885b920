import type { Conversation } from '@parley/protocol'

/** A conversation for tests: untitled, unpinned, kept, with default settings, unless `fields` say otherwise. */
export const conversationOf = (fields: Partial<Conversation> = {}): Conversation => ({
  id: 'c1',
  title: null,
  model: null,
  system_prompt: null,
  temperature: null,
  max_tokens: null,
  pinned: false,
  archived: false,
  temporary: false,
  created_at: '2026-12-01T10:00:00.000Z',
  updated_at: '2026-12-01T10:00:00.000Z',
  ...fields,
})
