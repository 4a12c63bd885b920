import type { ReactNode } from 'react'
import { Link } from 'react-router'

/** A screen that is not there for this account or address: what happened, and the way back to the chats. */
function DeadEnd({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="page">
      <div className="page-inner">
        <h1>{title}</h1>
        <p>{children}</p>
        <p>
          <Link to="/">Back to your chats</Link>
        </p>
      </div>
    </main>
  )
}

/** Shown instead of a screen the signed-in account's roles do not open (the server refuses it with 403 too). */
export function NotAllowed() {
  return (
    <DeadEnd title="Not allowed">
      This screen is for operators (admins and managers). Your account cannot open it.
    </DeadEnd>
  )
}

/** Shown for an address that is no screen of the app: a mistyped or outdated link, rather than a silent redirect. */
export function NotFound() {
  return (
    <DeadEnd title="Page not found">There is no page at this address: the link may be mistyped or out of date.</DeadEnd>
  )
}
