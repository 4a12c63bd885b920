import { type FormEvent, useState } from 'react'

/**
 * Submit handling shared by the sign-in and register forms: the form's data goes to `action`; meanwhile the form
 * is busy, and a failure is kept for the error summary (a success navigates away, so busy stays set).
 */
export function useAuthForm(action: (form: FormData) => Promise<void>) {
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    setBusy(true)
    setError(undefined)
    try {
      await action(form)
    } catch (failure) {
      setError(failure)
      setBusy(false)
    }
  }

  return { error, busy, onSubmit: (event: FormEvent<HTMLFormElement>) => void submit(event) }
}
