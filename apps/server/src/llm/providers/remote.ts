import type { LanguageModelV3 } from '@ai-sdk/provider'
import { type ChatModel, estimateTokens } from '../types.ts'
import { fromAiSdk } from './ai-sdk.ts'
import { createOpenAICompatibleModel } from './openai-compatible.ts'

export interface RemoteModelSettings {
  provider: 'openai' | 'anthropic' | 'google' | 'openai-compatible'
  /** The provider's model name, e.g. `gpt-4o-mini`, `claude-sonnet-4-5`, `llama3.2`. */
  model: string
  baseUrl?: string | undefined
  apiKey?: string | undefined
  contextTokens: number
}

/** Where Ollama listens by default. */
const OPENAI_COMPATIBLE_BASE_URL = 'http://127.0.0.1:11434/v1'

/** Builds a remote model; keys come from our validated config, never from the client or `process.env` here. */
export function createRemoteModel(settings: RemoteModelSettings): ChatModel {
  const { provider, model: modelId, baseUrl, apiKey, contextTokens } = settings
  if (provider === 'openai-compatible')
    return createOpenAICompatibleModel({
      modelId,
      baseUrl: baseUrl || OPENAI_COMPATIBLE_BASE_URL,
      apiKey,
      contextTokens,
    })
  // Always a string: given none, the vendor SDKs would read OPENAI_API_KEY and the like from the process
  // environment, and keys must come from our validated config only. An empty key is refused by the vendor.
  const common = { ...(baseUrl ? { baseURL: baseUrl } : {}), apiKey: apiKey ?? '' }
  let loaded: ChatModel | undefined
  let loading: Promise<ChatModel> | undefined
  const load = () =>
    (loading ??= vendorModel(provider, common, modelId).then(
      (model) => (loaded = fromAiSdk({ provider, modelId, model, contextTokens })),
    ))
  return {
    provider,
    modelId,
    contextTokens,
    countTokens: estimateTokens,
    // Not an async function: it would hold the request while the SDK loads and for the whole reply after.
    generate: (request, signal, onText) =>
      loaded
        ? loaded.generate(request, signal, onText)
        : load().then((model) => model.generate(request, signal, onText)),
  }
}

/**
 * A vendor's AI SDK model. Each SDK is loaded when its first model is first asked (together ~7 MB of heap and
 * ~80 ms of start-up), so an install that uses only the embedded model or an OpenAI-compatible server never
 * loads them.
 */
async function vendorModel(
  provider: 'openai' | 'anthropic' | 'google',
  common: { baseURL?: string; apiKey: string },
  modelId: string,
): Promise<LanguageModelV3> {
  switch (provider) {
    case 'openai':
      return (await import('@ai-sdk/openai')).createOpenAI(common).chat(modelId)
    case 'anthropic':
      return (await import('@ai-sdk/anthropic')).createAnthropic(common)(modelId)
    case 'google':
      return (await import('@ai-sdk/google')).createGoogleGenerativeAI(common)(modelId)
  }
}
