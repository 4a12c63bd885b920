import type { LanguageModelV3 } from '@ai-sdk/provider'
import type { ChatModel } from '../types.ts'
import { fromAiSdk } from './ai-sdk.ts'
import { fetchWithLineLimit } from './line-limit.ts'
import { createOpenAICompatibleModel } from './openai-compatible.ts'

/** What a model entry says about a remote model; keys come from our validated config, never from `process.env`. */
export interface RemoteModelSettings {
  provider: RemoteProvider
  /** The provider's model name, e.g. `gpt-4o-mini`, `claude-sonnet-4-5`, `llama3.2`. */
  model: string
  baseUrl?: string | undefined
  apiKey?: string | undefined
  contextTokens: number
}

/** The keys configured per provider (`PARLEY_OPENAI_API_KEY` and the like, in config.ts). */
export interface ProviderKeys {
  openai?: string | undefined
  anthropic?: string | undefined
  google?: string | undefined
}

interface RemoteProviderKind {
  /** Builds the model; a vendor's SDK is imported on first use, so an unused vendor costs nothing at start. */
  create(settings: RemoteModelSettings): Promise<ChatModel>
  /** The configured key used when a model entry names none. */
  key?: (keys: ProviderKeys) => string | undefined
}

/**
 * Every kind of remote provider, one row each: adding a provider is a row here (plus its key variable in
 * config.ts, if it has one). Vendor SDKs get a key string even when none is configured: given none, they would
 * read `OPENAI_API_KEY` and the like from the environment, and an empty key is refused by the vendor.
 */
const TABLE = {
  openai: {
    create: (s) => viaAiSdk(s, async (options) => (await import('@ai-sdk/openai')).createOpenAI(options).chat(s.model)),
    key: (keys) => keys.openai,
  },
  anthropic: {
    create: (s) =>
      viaAiSdk(s, async (options) => (await import('@ai-sdk/anthropic')).createAnthropic(options)(s.model)),
    key: (keys) => keys.anthropic,
  },
  google: {
    create: (s) =>
      viaAiSdk(s, async (options) => (await import('@ai-sdk/google')).createGoogleGenerativeAI(options)(s.model)),
    key: (keys) => keys.google,
  },
  /** Ollama, vLLM, llama.cpp's server, LM Studio: by default Ollama's address; no key unless configured. */
  'openai-compatible': {
    create: async (s) =>
      createOpenAICompatibleModel({
        modelId: s.model,
        baseUrl: s.baseUrl ?? 'http://127.0.0.1:11434/v1',
        apiKey: s.apiKey,
        contextTokens: s.contextTokens,
      }),
  },
} satisfies Record<string, RemoteProviderKind>

export type RemoteProvider = keyof typeof TABLE
export const REMOTE_PROVIDERS: Readonly<Record<RemoteProvider, RemoteProviderKind>> = TABLE

/** Every provider a model entry may name: the embedded runtime (`local`) and the remote kinds. */
export const PROVIDER_KINDS = ['local', ...(Object.keys(REMOTE_PROVIDERS) as RemoteProvider[])] as const

/**
 * What every vendor SDK is built from: our base URL, if any, always a key string (see above), and a `fetch` that
 * gives up on a line without end, as our own OpenAI-compatible client does.
 */
interface VendorOptions {
  baseURL?: string
  apiKey: string
  fetch: typeof fetch
}

async function viaAiSdk(
  settings: RemoteModelSettings,
  load: (options: VendorOptions) => Promise<LanguageModelV3>,
): Promise<ChatModel> {
  const { provider, model: modelId, contextTokens, apiKey, baseUrl } = settings
  const model = await load({
    ...(baseUrl ? { baseURL: baseUrl } : {}),
    apiKey: apiKey ?? '',
    fetch: fetchWithLineLimit,
  })
  return fromAiSdk({ provider, modelId, model, contextTokens, secret: apiKey })
}
