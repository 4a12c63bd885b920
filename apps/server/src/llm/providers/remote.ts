import { type ChatModel, estimateTokens } from '../types.ts'
import { fromAiSdk } from './ai-sdk.ts'
import { REMOTE_PROVIDERS, type RemoteProvider } from './kinds.ts'

export interface RemoteModelSettings {
  provider: RemoteProvider
  /** The provider's model name, e.g. `gpt-4o-mini`, `claude-sonnet-4-5`, `llama3.2`. */
  model: string
  baseUrl?: string | undefined
  apiKey?: string | undefined
  contextTokens: number
}

/**
 * Builds a remote model; keys come from our validated config, never from the client or `process.env`. The
 * vendor's SDK is loaded when the model is first asked, so an install that never uses it never loads it.
 */
export function createRemoteModel(settings: RemoteModelSettings): ChatModel {
  const { provider, model: modelId, baseUrl, apiKey, contextTokens } = settings
  let loading: Promise<ChatModel> | undefined
  const load = () =>
    (loading ??= REMOTE_PROVIDERS[provider]
      .load({ baseURL: baseUrl, apiKey }, modelId)
      .then((model) => fromAiSdk({ provider, modelId, model, contextTokens, secret: apiKey })))
  return {
    provider,
    modelId,
    contextTokens,
    countTokens: estimateTokens,
    generate: async (request, signal, onText) => (await load()).generate(request, signal, onText),
  }
}
