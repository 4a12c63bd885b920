import { Link } from 'react-router'

/** Shown instead of a screen the signed-in account's roles do not open (the server refuses it with 403 too). */
export function NotAllowed() {
  return (
    <main className="page">
      <div className="page-inner">
        <h1>Not allowed</h1>
        <p>This screen is for operators (admins and managers). Your account cannot open it.</p>
        <p>
          <Link to="/">Back to your chats</Link>
        </p>
      </div>
    </main>
  )
}
