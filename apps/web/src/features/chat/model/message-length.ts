/** Characters as the server counts them (code points, so an emoji is one). */
export const characterCount = (text: string) => [...text].length

/** The counter appears once a message uses this share of the limit. */
const SHOW_FROM = 0.8

export interface LengthStatus {
  show: boolean
  over: boolean
  message: string
}

const format = (value: number) => value.toLocaleString('en')

/** What the composer says about a message's length against the server's limit (unknown until it answers). */
export function lengthStatus(count: number, limit: number | undefined): LengthStatus {
  if (limit === undefined || count < limit * SHOW_FROM) return { show: false, over: false, message: '' }
  if (count > limit) {
    return {
      show: true,
      over: true,
      message: `${format(count)} / ${format(limit)} characters: shorten it by ${format(count - limit)} to send.`,
    }
  }
  return { show: true, over: false, message: `${format(count)} / ${format(limit)} characters` }
}
