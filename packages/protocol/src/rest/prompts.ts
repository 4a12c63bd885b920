import { z } from 'zod'
import { Id, Text, Timestamp } from '../common.ts'

/** Longest saved prompt, in characters. */
export const PROMPT_MAX_LENGTH = 8_000
/** Most saved prompts an account keeps. */
export const PROMPTS_PER_ACCOUNT = 200

/** What follows "/" in the message box to use a saved prompt. */
export const PromptName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,31}$/,
    'must be 1–32 lower-case letters, digits, "_" or "-", starting with a letter or digit',
  )

/** `POST /api/users/me/prompts` and `PUT /api/users/me/prompts/{id}`. */
export const SavePromptRequest = z.strictObject({
  name: PromptName,
  content: Text.trim().min(1).max(PROMPT_MAX_LENGTH),
  /** Offered to everyone, not only its author (admins only). */
  shared: z.boolean().default(false),
})
export type SavePromptRequest = z.input<typeof SavePromptRequest>

/**
 * A saved prompt: text put in the message box by typing `/name`. `shared`: an admin offers it to everyone (admins
 * change it; others only use it); `mine`: the caller wrote it.
 */
export const Prompt = z.object({
  id: Id,
  name: z.string(),
  content: z.string(),
  shared: z.boolean(),
  mine: z.boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
})
export type Prompt = z.infer<typeof Prompt>
