import type { WidgetPublicConfig } from '@parley/protocol'
import { type MountPanel, type ParleyWidgetNamespace, apiUrl, openStateKey } from './context.ts'
import { BASE_CSS } from './styles.ts'

declare const __PANEL_FILE__: string

const script = document.currentScript as HTMLScriptElement | null
const namespace: ParleyWidgetNamespace = (window.ParleyWidget ??= {
  version: '1',
  instances: [],
  open: (id) => namespace.instances.filter((i) => !id || i.widgetId === id).forEach((i) => i.open()),
  close: (id) => namespace.instances.filter((i) => !id || i.widgetId === id).forEach((i) => i.close()),
})

/** Loads the panel script once for every widget on the page (a classic script: no CORS, no module setup). */
function loadPanel(base: string): Promise<MountPanel> {
  namespace.panelLoading ??= new Promise<MountPanel>((resolve, reject) => {
    const tag = document.createElement('script')
    tag.src = new URL(`widget/${__PANEL_FILE__}`, base).toString()
    tag.async = true
    tag.onload = () => (namespace.mountPanel ? resolve(namespace.mountPanel) : reject(new Error('panel missing')))
    tag.onerror = () => {
      namespace.panelLoading = undefined
      reject(new Error('panel failed to load'))
    }
    document.head.appendChild(tag)
  })
  return namespace.panelLoading
}

async function start(tag: HTMLScriptElement) {
  const widgetId = tag.dataset.widget
  if (!widgetId) return
  const base = new URL('.', tag.src).toString()
  const inlineTarget = tag.dataset.mode === 'inline' ? document.querySelector(tag.dataset.target ?? '') : null
  if (tag.dataset.mode === 'inline' && !inlineTarget) return
  const response = await fetch(apiUrl(base, `widgets/${encodeURIComponent(widgetId)}/config`, widgetId))
  // A page on an origin the widget does not allow (or a disabled or deleted widget) shows nothing at all.
  if (!response.ok) return
  const config = (await response.json()) as WidgetPublicConfig

  const host = document.createElement('parley-widget')
  host.dataset.widget = widgetId
  const shadow = host.attachShadow({ mode: 'open' })
  // A constructed stylesheet, not a <style> element: a host page's CSP `style-src` does not apply to it.
  const sheet = new CSSStyleSheet()
  sheet.replaceSync(BASE_CSS)
  shadow.adoptedStyleSheets = [sheet]
  const root = document.createElement('div')
  root.className = 'root'
  root.style.setProperty('--accent', config.accent_color)
  shadow.append(root)
  const panelBox = document.createElement('div')
  root.append(panelBox)

  if (inlineTarget) {
    inlineTarget.append(host)
    const mount = await loadPanel(base)
    mount({ widgetId, base, config, container: panelBox, inline: true, close: () => undefined })
    return
  }

  const button = document.createElement('button')
  button.type = 'button'
  button.className = `launcher ${config.position === 'bottom-left' ? 'left' : 'right'}`
  button.textContent = config.launcher_text
  button.setAttribute('aria-haspopup', 'dialog')
  button.setAttribute('aria-expanded', 'false')
  root.append(button)
  // Appended at the end of <body> and positioned fixed: the page's layout never moves.
  document.body.append(host)

  let panel: ReturnType<MountPanel> | undefined
  const setOpen = (open: boolean) => {
    panelBox.hidden = !open
    button.hidden = open
    button.setAttribute('aria-expanded', String(open))
    try {
      if (open) sessionStorage.setItem(openStateKey(widgetId), '1')
      else sessionStorage.removeItem(openStateKey(widgetId))
    } catch {
      // Storage can be blocked (privacy settings); the widget works without remembering.
    }
  }
  const close = () => {
    setOpen(false)
    button.focus()
  }
  const open = async (focus = true) => {
    button.disabled = true
    try {
      const mount = await loadPanel(base)
      panel ??= mount({ widgetId, base, config, container: panelBox, inline: false, close })
      setOpen(true)
      if (focus) panel.focus()
    } finally {
      button.disabled = false
    }
  }
  button.addEventListener('click', () => void open())
  namespace.instances.push({ widgetId, open: () => void open(), close })
  let wasOpen = false
  try {
    wasOpen = sessionStorage.getItem(openStateKey(widgetId)) === '1'
  } catch {
    wasOpen = false
  }
  if (wasOpen) await open(false)
}

if (script) void start(script).catch(() => undefined)
