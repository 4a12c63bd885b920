import { type ReactNode, useId } from 'react'

/** A titled section of a settings or operators' page. */
export function Panel({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  const id = useId()
  return (
    <section className="panel" aria-labelledby={id}>
      <div className="panel-header">
        <h2 id={id}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  )
}

/** A scrolling page inside the app layout, with its heading. */
export function Page({ title, children, wide = false }: { title: string; children: ReactNode; wide?: boolean }) {
  return (
    <main className="page">
      <div className={wide ? 'page-inner wide' : 'page-inner'}>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  )
}
