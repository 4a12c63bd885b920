import type { Config } from '../config.ts'
import { REMOTE_PROVIDERS } from './providers/kinds.ts'
import type { LocalModelSettings } from './providers/local.ts'
import type { RemoteModelSettings } from './providers/remote.ts'
import { createRemoteModel } from './providers/remote.ts'
import { type ModelEntry, createModelRegistry } from './registry.ts'
import type { ChatModel } from './types.ts'

/** Context window assumed for remote models whose size the config does not state. */
const DEFAULT_REMOTE_CONTEXT = 8_192

export interface ModelFactories {
  local(settings: LocalModelSettings): ChatModel | Promise<ChatModel>
  remote?: (settings: RemoteModelSettings) => ChatModel | Promise<ChatModel>
}

/** Builds the registry of models users may pick from the validated config. */
export function buildModelRegistry(models: Config['models'], factories: ModelFactories, dataDir: string) {
  const remote = factories.remote ?? createRemoteModel
  const entries: ModelEntry[] = models.list.map((settings) => ({
    id: settings.id,
    label: settings.label ?? settings.id,
    provider: settings.provider,
    fallback: settings.fallback,
    demo: settings.provider === 'local' && (settings.model ?? models.localModelPath) === undefined,
    create: () =>
      settings.provider === 'local'
        ? factories.local({
            id: settings.id,
            path: settings.model ?? models.localModelPath,
            threads: models.localThreads,
            contextTokens: settings.context_tokens,
            dataDir,
          })
        : remote({
            provider: settings.provider,
            model: settings.model ?? settings.id,
            baseUrl: settings.base_url,
            apiKey: settings.api_key ?? REMOTE_PROVIDERS[settings.provider].key?.(models.apiKeys),
            contextTokens: settings.context_tokens ?? DEFAULT_REMOTE_CONTEXT,
          }),
  }))
  return createModelRegistry(entries, models.defaultId)
}

/** A downloaded GGUF file as a model of the embedded runtime, with the configured thread count. */
export function localFileEntry(
  input: { id: string; label: string; path: string },
  models: Config['models'],
  factories: Pick<ModelFactories, 'local'>,
  dataDir: string,
): ModelEntry {
  return {
    id: input.id,
    label: input.label,
    provider: 'local',
    fallback: [],
    create: () =>
      factories.local({
        id: input.id,
        path: input.path,
        threads: models.localThreads,
        contextTokens: undefined,
        dataDir,
      }),
  }
}
