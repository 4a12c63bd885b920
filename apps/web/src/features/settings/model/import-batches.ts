/**
 * Most bytes of JSON per import request. The server takes 16 MiB, but a reverse proxy in front of it usually takes
 * far less (nginx: 1 MB by default, 2 MB in deploy/), and its refusal would name no reason.
 */
export const MAX_PART_BYTES = 900_000
/** Most conversations per import request (the server accepts up to 1,000), so progress moves in small steps. */
export const MAX_PART_ITEMS = 100

/** One request's worth of an export file: `body` is sent as is; `start` is the index of its first item in the file. */
export interface ImportPart {
  body: unknown
  start: number
  count: number
}

const encoder = new TextEncoder()
const bytesOf = (value: unknown) => encoder.encode(JSON.stringify(value)).length

/**
 * Splits a parsed export file into the parts to send, in order. An array (ChatGPT's `conversations.json`, or many
 * Parley exports) goes in consecutive slices, each at most `maxBytes` of JSON and `maxItems` items; an item larger
 * than `maxBytes` goes alone, for the server to refuse on its own. Anything else (one Parley export) is one part.
 */
export function importParts(file: unknown, maxBytes = MAX_PART_BYTES, maxItems = MAX_PART_ITEMS): ImportPart[] {
  if (!Array.isArray(file)) return [{ body: file, start: 0, count: 1 }]
  // An empty array still goes once, so the server says the file holds nothing.
  if (file.length === 0) return [{ body: file, start: 0, count: 0 }]
  const parts: ImportPart[] = []
  let start = 0
  // `JSON.stringify(slice)` is "[" + each item's JSON joined by "," + "]": its size is known item by item.
  let bytes = 2
  file.forEach((item: unknown, index) => {
    const size = bytesOf(item)
    const count = index - start
    if (count > 0 && (count >= maxItems || bytes + 1 + size > maxBytes)) {
      parts.push({ body: file.slice(start, index), start, count })
      start = index
      bytes = 2
    }
    bytes += (index > start ? 1 : 0) + size
  })
  parts.push({ body: file.slice(start), start, count: file.length - start })
  return parts
}
