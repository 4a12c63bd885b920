import type { ChatModel } from '../types.ts'
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
 * vendor's SDK is imported here, when the registry first builds the model (not inside a reply's first-token
 * time), so an install that never uses a vendor never loads its SDK.
 */
export async function createRemoteModel(settings: RemoteModelSettings): Promise<ChatModel> {
  const { provider, model: modelId, baseUrl, apiKey, contextTokens } = settings
  const model = await REMOTE_PROVIDERS[provider].load({ baseURL: baseUrl, apiKey }, modelId)
  return fromAiSdk({ provider, modelId, model, contextTokens, secret: apiKey })
}
