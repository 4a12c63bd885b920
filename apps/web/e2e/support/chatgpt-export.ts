/** One message of a ChatGPT conversation, placed under `parent` (`root` for the first). */
export interface ChatGptTurn {
  id: string
  parent: string
  role: 'user' | 'assistant' | 'system'
  text: string
  metadata?: Record<string, unknown>
}

/** 2 January 2025, 10:00 UTC, in ChatGPT's epoch seconds (a float, as its export writes them). */
const START = Date.UTC(2025, 0, 2, 10) / 1000 + 0.25

/**
 * One conversation as ChatGPT's `conversations.json` holds it: messages in a tree (`mapping`, from a message-less
 * root), and `current_node` the last message of the branch it showed. Turns are a minute apart.
 */
export function chatGptConversation(title: string, currentNode: string, turns: ChatGptTurn[]) {
  const mapping: Record<string, { id: string; parent: string | null; children: string[]; message: unknown }> = {
    root: { id: 'root', parent: null, children: [], message: null },
  }
  turns.forEach(({ id, parent, role, text, metadata = {} }, index) => {
    const message = {
      id,
      author: { role },
      create_time: START + index * 60,
      content: { content_type: 'text', parts: [text] },
      metadata,
    }
    mapping[id] = { id, parent, children: [], message }
  })
  for (const { id, parent } of turns) mapping[parent]?.children.push(id)
  return { title, create_time: START, update_time: START + turns.length * 60, current_node: currentNode, mapping }
}

/** A conversation holding only ChatGPT's hidden system message: nothing to import. */
export const hiddenOnlyConversation = (title: string) =>
  chatGptConversation(title, 's1', [
    {
      id: 's1',
      parent: 'root',
      role: 'system',
      text: 'You are ChatGPT.',
      metadata: { is_visually_hidden_from_conversation: true },
    },
  ])
