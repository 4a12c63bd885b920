import type { CSSProperties } from 'react'
import type { WidgetDraft } from './widget-form.tsx'

/** How the widget will look on a page, redrawn as the form changes (a drawing: nothing is sent from here). */
export function WidgetPreview({ draft }: { draft: WidgetDraft }) {
  const accent = { '--widget-accent': draft.accent_color } as CSSProperties
  return (
    <figure className="widget-preview" style={accent} aria-label="Preview">
      <div className={`widget-preview-panel ${draft.position}`}>
        <div className="widget-preview-head">{draft.title}</div>
        <div className="widget-preview-log">
          {draft.greeting && <p className="widget-preview-bot">{draft.greeting}</p>}
          {draft.ask_email && <p className="muted">The visitor is asked for an e-mail address first.</p>}
        </div>
      </div>
      <div className={`widget-preview-launcher ${draft.position}`}>{draft.launcher_text}</div>
      <figcaption className="visually-hidden">Preview of the widget</figcaption>
    </figure>
  )
}
