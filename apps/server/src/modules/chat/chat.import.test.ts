import { describe, expect, it } from 'vitest'
import { MAX_IMPORT_CONVERSATIONS, importedRows, readImportFile } from './chat.import.ts'

const NOW = '2026-12-07T10:00:00.000Z'

type Node = { id: string; parent: string | null; children: string[]; message: unknown }

/** A ChatGPT message node; `extra` overrides the message's fields. */
function node(id: string, parent: string | null, role: string, text: string, extra: object = {}): Node {
  return {
    id,
    parent,
    children: [],
    message: {
      id,
      author: { role, name: null, metadata: {} },
      create_time: 1_700_000_000 + Number(id.replace(/\D/g, '') || 0),
      content: { content_type: 'text', parts: [text] },
      status: 'finished_successfully',
      recipient: 'all',
      metadata: role === 'assistant' ? { model_slug: 'gpt-4o' } : {},
      ...extra,
    },
  }
}

/** A ChatGPT `conversations.json` item from nodes given root first; children are filled in from parents. */
function chatGpt(title: string, nodes: Node[], current?: string) {
  const mapping: Record<string, Node> = {}
  for (const each of nodes) mapping[each.id] = { ...each, children: [] }
  for (const each of nodes) if (each.parent) mapping[each.parent]!.children.push(each.id)
  return {
    title,
    create_time: 1_700_000_000.5,
    update_time: 1_700_000_900.25,
    mapping,
    ...(current ? { current_node: current } : {}),
    conversation_id: 'source-id',
  }
}

const root: Node = { id: 'root', parent: null, children: [], message: null }

describe('readImportFile', () => {
  it("reads Parley's own export: user and assistant text, dates and settings kept", () => {
    const file = {
      conversation: {
        id: 'old-id',
        title: '  Trip   plans ',
        model: 'llama',
        system_prompt: 'Be brief.',
        temperature: 0.3,
        max_tokens: 200,
        pinned: true,
        archived: false,
        created_at: '2026-01-02T03:04:05.000Z',
        updated_at: '2026-01-03T00:00:00.000Z',
      },
      messages: [
        { id: 'a', role: 'system', content: 'hidden', created_at: '2026-01-02T03:04:05.000Z', model: null },
        { id: 'b', role: 'user', content: 'Where to?', created_at: '2026-01-02T03:04:06.000Z', model: null },
        { id: 'c', role: 'assistant', content: 'Lisbon.', created_at: '2026-01-02T03:04:07.000Z', model: 'llama' },
        { id: 'd', role: 'assistant', content: '', created_at: '2026-01-02T03:04:08.000Z', model: 'llama' },
      ],
    }
    const { conversations, skipped } = readImportFile(file, NOW)
    expect(skipped).toEqual([])
    expect(conversations).toEqual([
      {
        index: 0,
        title: 'Trip plans',
        created_at: '2026-01-02T03:04:05.000Z',
        updated_at: '2026-01-03T00:00:00.000Z',
        system_prompt: 'Be brief.',
        temperature: 0.3,
        max_tokens: 200,
        model: 'llama',
        pinned: true,
        archived: false,
        messages: [
          { role: 'user', content: 'Where to?', model: null, created_at: '2026-01-02T03:04:06.000Z' },
          { role: 'assistant', content: 'Lisbon.', model: 'llama', created_at: '2026-01-02T03:04:07.000Z' },
        ],
      },
    ])
  })

  it("reads ChatGPT's current branch, leaving out hidden, tool and non-text messages", () => {
    const file = [
      chatGpt(
        'Branches',
        [
          root,
          node('s1', 'root', 'system', '', { metadata: { is_visually_hidden_from_conversation: true } }),
          node('n1', 's1', 'user', 'Hello'),
          node('n2', 'n1', 'assistant', 'Old answer'),
          node('n3', 'n1', 'assistant', 'Let me look.'),
          node('n4', 'n3', 'assistant', 'search("x")', { recipient: 'browser' }),
          node('n5', 'n4', 'tool', 'results'),
          node('n6', 'n5', 'assistant', 'print(1)', { content: { content_type: 'code', text: 'print(1)' } }),
          node('n7', 'n6', 'assistant', '', {
            content: { content_type: 'multimodal_text', parts: [{ asset_pointer: 'file-1' }, 'Found it.'] },
          }),
          node('n8', 'n7', 'user', 'Thanks'),
        ],
        'n8',
      ),
    ]
    const [conversation] = readImportFile(file, NOW).conversations
    expect(conversation).toMatchObject({ title: 'Branches', pinned: false, archived: false })
    expect(conversation!.created_at).toBe('2023-11-14T22:13:20.500Z')
    expect(conversation!.updated_at).toBe('2023-11-14T22:28:20.250Z')
    expect(conversation!.messages.map(({ role, content, model }) => ({ role, content, model }))).toEqual([
      { role: 'user', content: 'Hello', model: null },
      // The reply written around a tool call is one message.
      { role: 'assistant', content: 'Let me look.\n\nFound it.', model: 'gpt-4o' },
      { role: 'user', content: 'Thanks', model: null },
    ])
    expect(conversation!.messages[0]!.created_at).toBe('2023-11-14T22:13:21.000Z')
  })

  it("reads Claude's export: its messages in order, text blocks only", () => {
    const file = [
      {
        uuid: 'c1',
        name: 'Haiku help',
        created_at: '2025-03-01T10:00:00.000000Z',
        updated_at: '2025-03-01T10:05:00.000000Z',
        chat_messages: [
          { uuid: 'm1', sender: 'human', text: 'Write a haiku', content: [], created_at: '2025-03-01T10:00:01Z' },
          {
            uuid: 'm2',
            sender: 'assistant',
            text: 'flattened',
            content: [
              { type: 'thinking', thinking: 'Five, seven, five.' },
              { type: 'text', text: 'Autumn moonlight—' },
              { type: 'tool_use', name: 'search', input: {} },
              { type: 'text', text: 'a worm digs silently.' },
            ],
            created_at: '2025-03-01T10:00:05Z',
          },
          { uuid: 'm3', sender: 'human', text: '', content: [{ type: 'text', text: '' }] },
        ],
      },
    ]
    const [conversation] = readImportFile(file, NOW).conversations
    expect(conversation).toMatchObject({
      title: 'Haiku help',
      created_at: '2025-03-01T10:00:00.000Z',
      updated_at: '2025-03-01T10:05:00.000Z',
    })
    expect(conversation!.messages).toEqual([
      { role: 'user', content: 'Write a haiku', model: null, created_at: '2025-03-01T10:00:01.000Z' },
      {
        role: 'assistant',
        content: 'Autumn moonlight—\n\na worm digs silently.',
        model: null,
        created_at: '2025-03-01T10:00:05.000Z',
      },
    ])
  })

  it('follows the newest child at each step when the file names no current message', () => {
    const file = [
      chatGpt('No current', [
        root,
        node('n1', 'root', 'user', 'Hi'),
        node('n2', 'n1', 'assistant', 'First try'),
        node('n3', 'n1', 'assistant', 'Second try'),
      ]),
    ]
    expect(readImportFile(file, NOW).conversations[0]!.messages.map((m) => m.content)).toEqual(['Hi', 'Second try'])
  })

  it('ends the walk where a malformed tree breaks (a cycle) instead of looping', () => {
    const looped = chatGpt('Loop', [node('n1', 'n2', 'user', 'One'), node('n2', 'n1', 'assistant', 'Two')], 'n2')
    expect(readImportFile([looped], NOW).conversations[0]!.messages.map((m) => m.content)).toEqual(['One', 'Two'])
  })

  it('leaves out what it cannot use, with a reason, and imports the rest of the file', () => {
    const parley = { conversation: { title: null }, messages: [{ role: 'user', content: 'Hi' }] }
    const file = [
      chatGpt('Only hidden', [
        root,
        node('s1', 'root', 'system', 'x', { metadata: { is_visually_hidden_from_conversation: true } }),
      ]),
      { title: 'Something else', rows: [] },
      parley,
    ]
    const { conversations, skipped } = readImportFile(file, NOW)
    expect(skipped).toEqual([
      { index: 0, title: 'Only hidden', reason: 'no text messages' },
      { index: 1, title: 'Something else', reason: 'not a conversation this importer reads' },
    ])
    expect(conversations).toHaveLength(1)
    // Dates the file lacks are the import's.
    expect(conversations[0]).toMatchObject({ index: 2, title: null, created_at: NOW, updated_at: NOW })
  })

  it('refuses a file that is not an export, an empty one and one too large for a request', () => {
    expect(() => readImportFile('hello', NOW)).toThrow(/ChatGPT's or Claude's data export/)
    expect(() => readImportFile([{ a: 1 }, 2], NOW)).toThrow(/Not an export Parley can import/)
    expect(() => readImportFile({ name: 'x' }, NOW)).toThrow(/Not an export Parley can import/)
    expect(() => readImportFile([], NOW)).toThrow('The file holds no conversations')
    const many = Array.from({ length: MAX_IMPORT_CONVERSATIONS + 1 }, () => ({ conversation: {}, messages: [] }))
    expect(() => readImportFile(many, NOW)).toThrow(/At most 1,000 conversations per request/)
  })
})

describe('importedRows', () => {
  it('keeps a conversation archived or pinned as of the import, never both', () => {
    let id = 0
    const rows = (pinned: boolean, archived: boolean) =>
      importedRows(
        {
          index: 0,
          title: 't',
          created_at: NOW,
          updated_at: NOW,
          system_prompt: null,
          temperature: null,
          max_tokens: null,
          model: null,
          pinned,
          archived,
          messages: [
            { role: 'user', content: 'Q', model: null, created_at: NOW },
            { role: 'assistant', content: 'A', model: 'm', created_at: NOW },
          ],
        },
        'owner',
        () => `id${++id}`,
        NOW,
      )
    expect(rows(true, false).conversation).toMatchObject({ pinned_at: NOW, archived_at: null })
    expect(rows(true, true).conversation).toMatchObject({ pinned_at: null, archived_at: NOW })
    const { conversation, messages } = rows(false, false)
    expect(conversation).toMatchObject({ pinned_at: null, archived_at: null, owner_id: 'owner' })
    // A reply answers the user message before it; each message follows the one before.
    expect(messages.map((m) => [m.id, m.parent_id, m.reply_to, m.position])).toEqual([
      [messages[0]!.id, null, null, 1],
      [messages[1]!.id, messages[0]!.id, messages[0]!.id, 2],
    ])
  })
})
