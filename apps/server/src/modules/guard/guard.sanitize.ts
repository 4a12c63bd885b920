/** C0/C1 control characters except tab, newline and carriage return, plus zero-width and bidi overrides. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g

/**
 * Normalises user text before it is stored or matched: NFC (one encoding per character, so look-alike
 * sequences cannot dodge the pattern check) and no invisible control characters. Everything else is kept
 * exactly as written; rendering escapes it.
 */
export function sanitizeUserText(text: string): string {
  return text.normalize('NFC').replace(CONTROL, '')
}
