import { dictionary } from '@zxcvbn-ts/language-common'

/**
 * ~30,000 common passwords, lower-cased. A module of its own so that `passwords.ts` can load it on first use:
 * half a megabyte of source a restarted server, with its admin in place, never parses.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(dictionary.passwords.map((entry) => entry.toLowerCase()))
