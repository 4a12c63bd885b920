import { type ChatModel, ModelError, estimateTokens } from './types.ts'

export interface ModelEntry {
  /** The id users pick, e.g. `gpt-4o-mini` or `local`. */
  id: string
  /** Human-readable name for the model picker. */
  label: string
  /** Models tried, in order, when this one fails before its first token. */
  fallback: readonly string[]
  /** The generated demo model (an embedded model with no model file configured). */
  demo?: boolean
  /** Built on first use, so an unused provider costs nothing at start. */
  create(): ChatModel | Promise<ChatModel>
}

export interface ModelInfo {
  id: string
  label: string
  default: boolean
  demo: boolean
}

class UnknownModelError extends Error {
  override name = 'UnknownModelError'
}

/** The models users may pick, built once from config; call sites ask by id, never by vendor. */
export function createModelRegistry(entries: readonly ModelEntry[], defaultId: string) {
  const byId = new Map(entries.map((entry) => [entry.id, entry]))
  if (!byId.has(defaultId)) throw new UnknownModelError(`Default model "${defaultId}" is not in the model list`)
  const built = new Map<string, Promise<ChatModel>>()
  const idOf = new WeakMap<ChatModel, string>()
  const instance = (id: string) => {
    let model = built.get(id)
    if (!model) {
      model = Promise.resolve(byId.get(id)!.create()).then((created) => {
        idOf.set(created, id)
        return created
      })
      // A failed build (bad model file) is retried on the next request rather than cached forever.
      model.catch(() => built.delete(id))
      built.set(id, model)
    }
    return model
  }

  /** A model that could not be built answers with a failure, so the fallback chain moves on (and retries later). */
  const unavailable = (id: string, error: unknown): ChatModel => {
    const reason = error instanceof Error ? error.message : String(error)
    const model: ChatModel = {
      provider: 'unavailable',
      modelId: id,
      contextTokens: 2048,
      countTokens: estimateTokens,
      generate: () => Promise.reject(new ModelError('unavailable', reason, { cause: error })),
    }
    idOf.set(model, id)
    return model
  }

  return {
    defaultId,
    has: (id: string) => byId.has(id),
    list: (): ModelInfo[] =>
      entries.map(({ id, label, demo }) => ({ id, label, default: id === defaultId, demo: demo ?? false })),

    /** The chosen model followed by its fallbacks (unknown ids are refused). */
    async chain(id: string = defaultId): Promise<ChatModel[]> {
      const entry = byId.get(id)
      if (!entry) throw new UnknownModelError(`Unknown model "${id}"`)
      const ids = [entry.id, ...entry.fallback.filter((fallbackId) => fallbackId !== entry.id && byId.has(fallbackId))]
      return Promise.all(ids.map((modelId) => instance(modelId).catch((error: unknown) => unavailable(modelId, error))))
    },

    /**
     * The id a model of a chain was configured under. A model's own `modelId` is the provider's name for it
     * (e.g. `claude-sonnet-4-5` for the id `backup`), which is not what users pick or what messages record.
     */
    idOf: (model: ChatModel): string | undefined => idOf.get(model),

    /** Releases models that hold resources (the embedded runtime). */
    async close() {
      for (const model of built.values()) {
        const resolved = await model.catch(() => undefined)
        if (resolved && 'close' in resolved && typeof resolved.close === 'function')
          await (resolved.close as () => Promise<void>)()
      }
      built.clear()
    },
  }
}

export type ModelRegistry = ReturnType<typeof createModelRegistry>
