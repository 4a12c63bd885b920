import type { WidgetPublicConfig } from '@parley/protocol'

/** What the launcher hands the panel when it opens. */
export interface PanelContext {
  widgetId: string
  /** Base URL of the Parley server, ending with `/`. */
  base: string
  config: WidgetPublicConfig
  /** Where the panel renders, inside the widget's shadow root. */
  container: HTMLElement
  /** Inline mode: the panel is always shown and has no close button. */
  inline: boolean
  /** Closes the panel and returns focus to the launcher (bubble mode). */
  close: () => void
}

export interface PanelHandle {
  focus(): void
}

export type MountPanel = (context: PanelContext) => PanelHandle

/** The one global the widget defines. */
export interface ParleyWidgetNamespace {
  version: string
  /** Opens every bubble on the page (or the one of a widget id). */
  open(widgetId?: string): void
  close(widgetId?: string): void
  /** Set by the panel script once it has loaded. */
  mountPanel?: MountPanel
  /** Internal: the panel script's loading, shared by all widgets on the page. */
  panelLoading?: Promise<MountPanel>
  instances: { widgetId: string; open(): void; close(): void }[]
}

declare global {
  interface Window {
    ParleyWidget?: ParleyWidgetNamespace
  }
}

/** `/api/...` of the Parley server the script came from, naming the widget so CORS answers for it. */
export function apiUrl(base: string, path: string, widgetId: string, query: Record<string, string> = {}): string {
  const url = new URL(`api/${path}`, base)
  url.searchParams.set('widget', widgetId)
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value)
  return url.toString()
}

/** Remembers whether the bubble was open, so a reload or the next page keeps it as the visitor left it. */
export const openStateKey = (widgetId: string) => `parley-widget-open:${widgetId}`
