import { ModelError, type ChatModel } from '../types.ts'

/**
 * The embedded llama.cpp runtime is not wired in yet: until it is, a `local` model answers every request
 * with a clear "unavailable" error, so replies fail visibly (and fall back to the next model when one is
 * configured) instead of hanging.
 */
export function createLocalModel(settings: { id: string; path: string | undefined; contextTokens: number | undefined }): ChatModel {
  return {
    provider: 'local',
    modelId: settings.id,
    contextTokens: settings.contextTokens ?? 2048,
    countTokens: (text) => Math.ceil(text.length / 4),
    // eslint-disable-next-line require-yield
    async *stream() {
      throw new ModelError(
        'unavailable',
        'The embedded model runtime is not available in this version; configure a model with PARLEY_MODELS',
      )
    },
  }
}
