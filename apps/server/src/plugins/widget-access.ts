import type { Widget } from '@parley/protocol'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { WidgetAccess, WidgetsService } from '../modules/widgets/widgets.service.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on requests for a website widget (`/api/widgets/{id}/…` or `?widget=<id>`), before CORS is decided. */
    widgetAccess: WidgetAccess | null
  }
}

const WIDGET_PATH = /^\/api\/widgets\/([^/?#]{1,64})(?:[/?#]|$)/
/** The guest routes a widget calls; `?widget=` anywhere else opens nothing to the widget's origins. */
const GUEST_PATHS = new Set(['/api/auth/email', '/api/chat', '/api/chat/history', '/api/chat/follow'])

/** The widget a request names: in the path of the widget's own routes, or `?widget=` on the guest routes. */
function widgetIdOf(request: FastifyRequest): string | undefined {
  const fromPath = WIDGET_PATH.exec(request.url)?.[1]
  if (fromPath) return decodeURIComponent(fromPath)
  const pathname = request.url.split('?')[0]!.replace(/\/$/, '')
  if (!GUEST_PATHS.has(pathname)) return undefined
  const widget = (request.query as Record<string, unknown> | undefined)?.widget
  return typeof widget === 'string' && widget.length > 0 && widget.length <= 64 ? widget : undefined
}

/**
 * Looks the widget up once per request, ahead of the CORS plugin: preflights carry neither body nor token,
 * so the widget has to be named in the URL for CORS to answer only that widget's origins.
 */
export const widgetAccessPlugin = fp(
  async (app: FastifyInstance, options: { widgets: Pick<WidgetsService, 'access'> }) => {
    app.decorateRequest('widgetAccess', null)
    app.addHook('onRequest', async (request) => {
      const id = widgetIdOf(request)
      if (id) request.widgetAccess = await options.widgets.access(id, request.headers.origin)
    })
  },
  { name: 'widget-access' },
)

/**
 * The widget a route serves, once its checks passed; undefined when the request names none. A refused
 * request is logged with the reason (operators see why a page got no working widget) and answered with it.
 */
export function widgetOf(request: FastifyRequest): Widget | undefined {
  const access = request.widgetAccess
  if (!access) return undefined
  if (access.refusal) {
    request.log.warn(
      { widget_id: access.widgetId, origin: request.headers.origin ?? null, reason: access.refusal.code },
      `Widget request refused: ${access.refusal.message}`,
    )
    throw access.refusal
  }
  return access.widget
}
