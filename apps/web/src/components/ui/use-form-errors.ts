import { type FormEvent, useState } from 'react'
import { fieldIssues } from './error-summary.tsx'

/** A server's field message ("must be a valid e-mail address") as a sentence about the field it concerns. */
export function fieldSentence(label: string, message: string): string {
  const text = message.trim()
  const sentence = /^\p{Lu}/u.test(text) ? text : `${label} ${text}`
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`
}

/**
 * The errors of a form after a failed submit, each shown once: a field's problem beside that field (as a plain
 * sentence), anything else in the form's summary. A field's error clears as soon as the field is changed, and the
 * summary as soon as any field is, so what is on screen is always about what the user is looking at.
 *
 * `fields` maps the form's field names to their labels; attach `onChange` to the `<form>`.
 */
export function useFormErrors(error: unknown, fields: Record<string, string>) {
  const [edits, setEdits] = useState<{ error: unknown; names: ReadonlySet<string> }>({
    error: undefined,
    names: new Set(),
  })
  const edited = edits.error === error ? edits.names : new Set<string>()
  const issues = fieldIssues(error)
  const onFields = Object.keys(issues).length > 0 && Object.keys(issues).every((name) => name in fields)
  return {
    /** The sentence to show beside a field, if the last error was about it and it has not changed since. */
    fieldError(name: string): string | undefined {
      const message = issues[name]
      return message && !edited.has(name) ? fieldSentence(fields[name] ?? name, message) : undefined
    },
    /** For the summary: the error when no field shows it, until any field changes. */
    summaryError: onFields || edited.size > 0 ? undefined : error,
    onChange(event: FormEvent<HTMLFormElement>) {
      const name = (event.target as { name?: unknown }).name
      if (error && typeof name === 'string' && !edited.has(name)) setEdits({ error, names: new Set([...edited, name]) })
    },
  }
}
