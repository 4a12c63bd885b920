import type { ReactNode } from 'react'

/** The centred card that frames the sign-in and register forms. */
export function AuthCard({ title, children, footer }: { title: string; children: ReactNode; footer: ReactNode }) {
  return (
    <main className="auth-page">
      <section className="auth-card" aria-labelledby="auth-title">
        <p className="brand">Parley</p>
        <h1 id="auth-title">{title}</h1>
        {children}
        <p className="auth-footer">{footer}</p>
      </section>
    </main>
  )
}
