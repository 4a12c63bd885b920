import type {
  CreateWidgetRequest,
  PowChallenge,
  PowSolution,
  UpdateWidgetRequest,
  Widget,
  WidgetPublicConfig,
} from '@parley/protocol'
import type { Db } from '../../db/database.ts'
import { AppError, badRequest, notFound } from '../../shared/errors.ts'
import type { Runtime } from '../../shared/runtime.ts'
import type { AuditService } from '../audit/audit.service.ts'
import type { ClientInfo, Principal } from '../auth/principal.ts'
import type { Limiter } from '../guard/guard.limiter.ts'
import { isOriginAllowed } from './widgets.origins.ts'
import type { ProofOfWork } from './widgets.pow.ts'
import * as repo from './widgets.repo.ts'

export interface WidgetsServiceDeps {
  db: Db
  runtime: Runtime
  audit: AuditService
  limiter: Limiter
  proofOfWork: ProofOfWork
  /** Whether a model id is configured. */
  hasModel: (id: string) => boolean
}

/**
 * What a widget request may do: CORS is answered when the origin is allowed (even for a disabled widget, so
 * the visitor's browser can read why it stopped); `refusal` is why the request itself is refused.
 */
export interface WidgetAccess {
  widgetId: string
  widget: Widget | undefined
  corsAllowed: boolean
  refusal: AppError | undefined
}

const MINUTE = 60_000

/** Website chat widgets: the operators' settings, and the checks every visitor request passes. */
export function createWidgetsService(deps: WidgetsServiceDeps) {
  const { db, runtime, audit, limiter, proofOfWork } = deps
  const nowIso = () => runtime.now().toISOString()

  function assertModel(model: string | null | undefined) {
    if (model && !deps.hasModel(model))
      throw badRequest(`Unknown model "${model}"`, [{ path: 'model', message: 'is not a configured model' }])
  }

  return {
    async create(actor: Principal, input: CreateWidgetRequest, client: ClientInfo): Promise<Widget> {
      assertModel(input.model)
      const now = nowIso()
      const id = runtime.newId()
      await repo.insertWidget(db, {
        ...(repo.toColumns(input) as Required<ReturnType<typeof repo.toColumns>>),
        id,
        created_at: now,
        updated_at: now,
      })
      await audit.record({ type: 'widget.created', actorId: actor.userId, ip: client.ip, detail: { widget_id: id } })
      return (await repo.findWidget(db, id))!
    },

    list: (options: { limit: number; offset: number }) => repo.listWidgets(db, options),

    async get(id: string): Promise<Widget> {
      const widget = await repo.findWidget(db, id)
      if (!widget) throw notFound('Widget')
      return widget
    },

    async update(actor: Principal, id: string, changes: UpdateWidgetRequest, client: ClientInfo): Promise<Widget> {
      assertModel(changes.model)
      if (!(await repo.updateWidget(db, id, { ...repo.toColumns(changes), updated_at: nowIso() })))
        throw notFound('Widget')
      await audit.record({
        type: 'widget.updated',
        actorId: actor.userId,
        ip: client.ip,
        detail: { widget_id: id, fields: Object.keys(changes) },
      })
      return (await repo.findWidget(db, id))!
    },

    async remove(actor: Principal, id: string, client: ClientInfo): Promise<void> {
      if (!(await repo.deleteWidget(db, id))) throw notFound('Widget')
      await audit.record({ type: 'widget.deleted', actorId: actor.userId, ip: client.ip, detail: { widget_id: id } })
    },

    /**
     * Decides a visitor request from a page's `Origin`. Read from the database every time, so a widget
     * disabled or narrowed by an operator stops at once on every replica.
     */
    async access(widgetId: string, origin: string | undefined): Promise<WidgetAccess> {
      const widget = await repo.findWidget(db, widgetId)
      if (!widget)
        return { widgetId, widget, corsAllowed: false, refusal: new AppError('not_found', 'Widget not found') }
      if (!isOriginAllowed(origin, widget.allowed_origins)) {
        const refusal = new AppError('origin_not_allowed', 'This widget is not allowed on this site')
        return { widgetId, widget, corsAllowed: false, refusal }
      }
      if (!widget.enabled) {
        const refusal = new AppError('widget_disabled', 'This chat is switched off at the moment')
        return { widgetId, widget, corsAllowed: true, refusal }
      }
      return { widgetId, widget, corsAllowed: true, refusal: undefined }
    },

    publicConfig(widget: Widget): WidgetPublicConfig {
      return {
        id: widget.id,
        title: widget.title,
        greeting: widget.greeting,
        accent_color: widget.accent_color,
        position: widget.position,
        launcher_text: widget.launcher_text,
        ask_email: widget.ask_email,
        proof_of_work: widget.proof_of_work,
      }
    },

    challenge: (): Promise<PowChallenge> => proofOfWork.challenge(),

    /** Checks the proof of work when the widget asks for one. */
    async admitNewSession(widget: Widget, altcha: PowSolution | undefined): Promise<void> {
      if (widget.proof_of_work) await proofOfWork.verify(altcha)
    },

    /** The widget's own per-minute limit, on top of the server-wide guest limit. */
    async limitMessage(widget: Widget, sessionId: string): Promise<void> {
      if (widget.messages_per_minute === null) return
      const decision = await limiter.hit(`msg:widget:${sessionId}`, widget.messages_per_minute, MINUTE)
      if (decision.allowed) return
      throw new AppError('rate_limited', `Too many messages; try again in ${decision.resetSeconds} s`, {
        retryAfterSeconds: decision.resetSeconds,
      })
    },
  }
}

export type WidgetsService = ReturnType<typeof createWidgetsService>
