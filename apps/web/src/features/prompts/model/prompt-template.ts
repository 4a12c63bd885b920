/**
 * A blank in a saved prompt: `{{name}}`, the name 1–40 letters, digits, spaces, "_" or "-" (spaces around it do
 * not count). Anything else between double braces is text, so code that uses them stays as written.
 */
const BLANK = /\{\{ *([\p{L}\p{Nd}_-](?:[\p{L}\p{Nd} _-]{0,38}[\p{L}\p{Nd}_-])?) *\}\}/gu

/** What the built-in blanks stand for when a prompt is used. */
export interface PromptContext {
  now: Date
  /** The signed-in account's display name. */
  user: string
  /** The locale of the date and time; the browser's when undefined. */
  locale?: string | undefined
}

const BUILT_INS = new Map<string, (context: PromptContext) => string>([
  ['date', ({ now, locale }) => new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(now)],
  ['time', ({ now, locale }) => new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).format(now)],
  ['user', ({ user }) => user],
])

const builtIn = (name: string) => BUILT_INS.get(name.toLowerCase())

/** The blanks of `text` the user fills in (not the built-ins), each once, in the order they first appear. */
export function customBlanks(text: string): string[] {
  const names = [...text.matchAll(BLANK)].map((match) => match[1]!).filter((name) => !builtIn(name))
  return [...new Set(names)]
}

/**
 * `text` with every blank filled: the built-ins from `context`, the others from `values` (an empty string for one
 * not there). Values are put in as they are: a `{{…}}` typed into one is not filled in turn.
 */
export function fillPrompt(text: string, values: ReadonlyMap<string, string>, context: PromptContext): string {
  return text.replace(BLANK, (_blank, name: string) => builtIn(name)?.(context) ?? values.get(name) ?? '')
}
