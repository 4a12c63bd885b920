import type { ChatModel } from '../types.ts'
import { REMOTE_PROVIDERS, type RemoteModelSettings } from './kinds.ts'

export type { RemoteModelSettings } from './kinds.ts'

/**
 * Builds a remote model; keys come from our validated config, never from the client or `process.env`. A
 * vendor's SDK is imported here, when the registry first builds the model (not inside a reply's first-token
 * time), so an install that never uses a vendor never loads its SDK.
 */
export function createRemoteModel(settings: RemoteModelSettings): Promise<ChatModel> {
  return REMOTE_PROVIDERS[settings.provider].create(settings)
}
