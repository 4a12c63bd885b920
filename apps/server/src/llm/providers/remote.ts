import { createAnthropic } from '@ai-sdk/anthropic'
import { createGoogleGenerativeAI } from '@ai-sdk/google'
import { createOpenAI } from '@ai-sdk/openai'
import type { ChatModel } from '../types.ts'
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
  if (provider === 'openai-compatible') return createOpenAICompatibleModel({ modelId, baseUrl: baseUrl || OPENAI_COMPATIBLE_BASE_URL, apiKey, contextTokens })
  // Always a string: given none, the vendor SDKs would read OPENAI_API_KEY and the like from the process
  // environment, and keys must come from our validated config only. An empty key is refused by the vendor.
  const common = { ...(baseUrl ? { baseURL: baseUrl } : {}), apiKey: apiKey ?? '' }
  const model = (() => {
    switch (provider) {
      case 'openai':
        return createOpenAI(common).chat(modelId)
      case 'anthropic':
        return createAnthropic(common)(modelId)
      case 'google':
        return createGoogleGenerativeAI(common)(modelId)
    }
  })()
  return fromAiSdk({ provider, modelId, model, contextTokens })
}
