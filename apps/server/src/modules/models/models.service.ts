import fs from 'node:fs/promises'
import path from 'node:path'
import type {
  AdminModel,
  CatalogueEntry,
  ModelCallFigures,
  ModelTestResult,
  ModelsOverview,
  ReplyFailureKind,
} from '@parley/protocol'
import type { EventBus } from '../../bus/event-bus.ts'
import type { Config } from '../../config.ts'
import type { Db } from '../../db/database.ts'
import { type ModelFactories, localFileEntry } from '../../llm/catalogue.ts'
import { AggregateModelError, generateWithFallback } from '../../llm/fallback.ts'
import { type CatalogueModel, findCatalogueModel } from '../../llm/model-catalogue.ts'
import { listModelFiles, modelsDir } from '../../llm/model-files.ts'
import { type ModelRegistry, UnknownModelError } from '../../llm/registry.ts'
import { ModelError } from '../../llm/types.ts'
import type { DomainEvents } from '../../shared/domain-events.ts'
import { AppError } from '../../shared/errors.ts'
import type { Runtime } from '../../shared/runtime.ts'
import type { AnalyticsService } from '../analytics/analytics.service.ts'
import { createModelDownloads } from './models.downloads.ts'
import { createModelHealth } from './models.health.ts'
import { readModelSetting, writeModelSetting } from './models.repo.ts'

export interface ModelsServiceDeps {
  db: Db
  runtime: Runtime
  config: Pick<Config, 'models' | 'dataDir'>
  registry: ModelRegistry
  factories: Pick<ModelFactories, 'local'>
  events: DomainEvents
  /** Tells other replicas about a new default model. */
  bus: EventBus
  analytics: Pick<AnalyticsService, 'models'>
  /** The latest failed reply stored for each model (chat's), for the last errors after a restart. */
  storedFailures: () => Promise<{ model: string; kind: ReplyFailureKind; message: string; at: string }[]>
}

/** Short enough for any model to answer within its first-token timeout. */
const TEST_PROMPT = 'Reply with one short sentence: are you working?'
const TEST_MAX_TOKENS = 24
const REPLY_EXCERPT = 200
/** How long the analytics figures shown on the screen are reused. */
const USAGE_TTL_MS = 30_000

/** Operators' view of the models: status, tests, the catalogue's downloads and the default model. */
export async function createModelsService(deps: ModelsServiceDeps) {
  const { db, runtime, config, registry } = deps
  const catalogue = config.models.catalogue
  const dir = modelsDir(config.dataDir)
  const health = createModelHealth()
  deps.events.subscribe(health.onDomainEvent)
  /** Catalogue names whose file is downloaded and registered as a model of the embedded runtime. */
  const registered = new Set<string>()

  const register = (model: CatalogueModel, file: string) => {
    const added = registry.add(
      localFileEntry({ id: model.name, label: model.label, path: file }, config.models, deps.factories, config.dataDir),
    )
    if (added) registered.add(model.name)
  }
  const downloads = createModelDownloads({
    dir,
    baseUrl: config.models.downloadBaseUrl,
    now: () => runtime.now(),
    onDone: register,
  })

  /** Catalogue files downloaded here or by `parley model pull` (or by another replica on a shared volume). */
  async function registerDownloaded() {
    const { complete } = await listModelFiles(dir)
    for (const model of catalogue) {
      const file = complete.find((stored) => stored.file === model.file)
      if (file && !registered.has(model.name)) register(model, file.path)
    }
  }

  await registerDownloaded()
  for (const { model, kind, message, at } of await deps.storedFailures()) health.remember(model, { kind, message, at })
  // The operator's choice outlives restarts and wins over PARLEY_DEFAULT_MODEL, which only sets the first default;
  // a choice whose model is gone (its file deleted, its entry removed from PARLEY_MODELS) is ignored.
  const chosen = await readModelSetting(db, 'default_model')
  if (chosen && registry.has(chosen)) registry.setDefault(chosen)

  deps.bus.subscribe((event) => {
    if (event.type !== 'models.default_changed') return
    const adopt = async () => {
      if (!registry.has(event.modelId)) await registerDownloaded()
      if (registry.has(event.modelId)) registry.setDefault(event.modelId)
    }
    void adopt()
  })

  function catalogueModel(name: string): CatalogueModel {
    const model = findCatalogueModel(catalogue, name)
    if (!model) throw new AppError('unknown_catalogue_model', `"${name}" is not in the model catalogue`)
    return model
  }

  // The 30-day figures read percentiles over raw calls: too much for a screen polling a download's progress.
  let usage: { at: number; byId: Promise<Map<string, ModelCallFigures>> } | undefined
  function usageById(): Promise<Map<string, ModelCallFigures>> {
    const now = runtime.now().getTime()
    if (!usage || now - usage.at >= USAGE_TTL_MS) {
      usage = { at: now, byId: readUsage() }
      usage.byId.catch(() => (usage = undefined))
    }
    return usage.byId
  }

  async function readUsage(): Promise<Map<string, ModelCallFigures>> {
    const { models } = await deps.analytics.models({})
    const byId = new Map<string, ModelCallFigures>()
    for (const row of models) {
      const sum = byId.get(row.model) ?? { calls: 0, failed: 0, error_rate: 0 }
      sum.calls += row.calls
      sum.failed += row.failed
      sum.error_rate = sum.calls > 0 ? sum.failed / sum.calls : 0
      byId.set(row.model, sum)
    }
    return byId
  }

  async function overview(): Promise<ModelsOverview> {
    const figures = await usageById()
    // Download states before the directory listing: a download seen `done` has its file in place in the listing.
    const states = new Map(catalogue.map((model) => [model.name, downloads.state(model.name)]))
    const ids = new Set(registered)
    const { complete, partial } = await listModelFiles(dir)
    const models: AdminModel[] = registry.entries().map((entry) => ({
      id: entry.id,
      label: entry.label,
      provider: entry.provider ?? 'unknown',
      fallback: [...entry.fallback],
      default: entry.id === registry.defaultId,
      demo: entry.demo ?? false,
      source: registered.has(entry.id) ? 'catalogue' : 'config',
      ...health.view(entry.id),
      usage: figures.get(entry.id) ?? { calls: 0, failed: 0, error_rate: 0 },
    }))
    const entries: CatalogueEntry[] = catalogue.map((model) => ({
      name: model.name,
      label: model.label,
      licence: model.licence,
      approx_bytes: model.approxBytes,
      file: model.file,
      pinned_sha256: model.sha256 !== undefined,
      downloaded: complete.some((file) => file.file === model.file),
      partial_bytes: partial.find((file) => file.file === model.file)?.bytes ?? null,
      model_id: ids.has(model.name) ? model.name : null,
      download: states.get(model.name) ?? null,
    }))
    return { default_id: registry.defaultId, models, catalogue: entries }
  }

  /** A short real call through the model alone (not its fallbacks), as a reply would make it. */
  async function test(id: string): Promise<ModelTestResult> {
    const model = await registry.model(id).catch((error: unknown) => {
      throw error instanceof UnknownModelError ? new AppError('unknown_model', `Unknown model "${id}"`) : error
    })
    const started = runtime.now().getTime()
    const elapsed = () => runtime.now().getTime() - started
    let reply = ''
    try {
      await generateWithFallback(
        [model],
        { messages: [{ role: 'user', content: TEST_PROMPT }], maxOutputTokens: TEST_MAX_TOKENS },
        new AbortController().signal,
        {
          firstTokenTimeoutMs: config.models.firstTokenTimeoutMs,
          onText: (delta) => {
            if (reply.length < REPLY_EXCERPT) reply += delta
          },
        },
      )
    } catch (error) {
      const failure = reasonOf(error)
      health.failed(id, runtime.now().toISOString(), failure)
      return { ok: false, latency_ms: elapsed(), reply: reply.slice(0, REPLY_EXCERPT), failure }
    }
    const latency = elapsed()
    health.succeeded(id, runtime.now().toISOString(), latency)
    return { ok: true, latency_ms: latency, reply: reply.slice(0, REPLY_EXCERPT), failure: null }
  }

  async function setDefault(id: string): Promise<ModelsOverview> {
    if (!registry.has(id)) {
      const model = findCatalogueModel(catalogue, id)
      if (model) throw new AppError('model_not_downloaded', `Download ${model.name} before making it the default`)
      throw new AppError('unknown_model', `Unknown model "${id}"`)
    }
    await writeModelSetting(db, 'default_model', id, runtime.now())
    registry.setDefault(id)
    await deps.bus.publish({ type: 'models.default_changed', modelId: id })
    return overview()
  }

  async function startDownload(name: string) {
    const model = catalogueModel(name)
    const stored = await fs.stat(path.join(dir, model.file)).catch(() => undefined)
    if (stored?.isFile()) throw new AppError('model_already_downloaded', `${model.name} is already downloaded`)
    return downloads.start(model)
  }

  return {
    overview,
    test,
    setDefault,
    startDownload,
    cancelDownload: (name: string) => downloads.cancel(catalogueModel(name)),
    close: () => downloads.close(),
  }
}

function reasonOf(error: unknown): { kind: ReplyFailureKind; message: string } {
  const cause = error instanceof AggregateModelError ? (error.attempts[0]?.error ?? error) : error
  if (cause instanceof ModelError && cause.kind !== 'aborted') return { kind: cause.kind, message: cause.message }
  return { kind: 'unavailable', message: cause instanceof Error ? cause.message : String(cause) }
}

export type ModelsService = Awaited<ReturnType<typeof createModelsService>>
