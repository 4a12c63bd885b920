import { createAnthropic } from '@ai-sdk/anthropic'
import { createGoogleGenerativeAI } from '@ai-sdk/google'
import { createOpenAI } from '@ai-sdk/openai'
import { createOpenAICompatible } from '@ai-sdk/openai-compatible'
import type { ChatModel } from '../types.ts'
import { fromAiSdk } from './ai-sdk.ts'

export interface RemoteModelSettings {
  provider: 'openai' | 'anthropic' | 'google' | 'openai-compatible'
  /** The provider's model name, e.g. `gpt-4o-mini`, `claude-sonnet-4-5`, `llama3.2`. */
  model: string
  baseUrl?: string | undefined
  apiKey?: string | undefined
  contextTokens: number
  /** Injected in tests to reach a local fake server. */
  fetch?: typeof globalThis.fetch
}

/** Builds a remote model; keys come from our validated config, never from the client or `process.env` here. */
export function createRemoteModel(settings: RemoteModelSettings): ChatModel {
  const { provider, model: modelId, baseUrl, apiKey, contextTokens } = settings
  // Always a string: given none, the vendor SDKs would read OPENAI_API_KEY and the like from the process
  // environment, and keys must come from our validated config only. An empty key is refused by the vendor.
  const common = { ...(baseUrl ? { baseURL: baseUrl } : {}), apiKey: apiKey ?? '', ...(settings.fetch ? { fetch: settings.fetch } : {}) }
  const model = (() => {
    switch (provider) {
      case 'openai':
        return createOpenAI(common).chat(modelId)
      case 'anthropic':
        return createAnthropic(common)(modelId)
      case 'google':
        return createGoogleGenerativeAI(common)(modelId)
      case 'openai-compatible':
        return createOpenAICompatible({ name: 'openai-compatible', baseURL: baseUrl ?? 'http://127.0.0.1:11434/v1', ...common, includeUsage: true }).chatModel(modelId)
    }
  })()
  return fromAiSdk({ provider, modelId, model, contextTokens })
}
