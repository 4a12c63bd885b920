import type { ConversationCursor } from './chat.repo.ts'

/** Opaque keyset cursor for conversation lists. */
export function encodeCursor(cursor: ConversationCursor): string {
  return Buffer.from(`${cursor.updatedAt}|${cursor.id}`).toString('base64url')
}

export function decodeCursor(value: string): ConversationCursor | undefined {
  const [updatedAt, id, ...rest] = Buffer.from(value, 'base64url').toString('utf8').split('|')
  if (!updatedAt || !id || rest.length > 0 || Number.isNaN(Date.parse(updatedAt))) return undefined
  return { updatedAt, id }
}
