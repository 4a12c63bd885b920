import type { LanguageModelV3 } from '@ai-sdk/provider'

/** What every vendor SDK is built from; keys come from our validated config, never from `process.env`. */
interface VendorOptions {
  baseURL?: string | undefined
  apiKey?: string | undefined
}

/** The keys configured per provider (`PARLEY_OPENAI_API_KEY` and the like, in config.ts). */
export interface ProviderKeys {
  openai?: string | undefined
  anthropic?: string | undefined
  google?: string | undefined
}

interface RemoteProviderKind {
  /** Builds the SDK's model; the SDK is imported on first use, so an unused vendor costs nothing at start. */
  load(options: VendorOptions, modelId: string): Promise<LanguageModelV3>
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
    load: async ({ baseURL, apiKey }, modelId) =>
      (await import('@ai-sdk/openai')).createOpenAI({ ...base(baseURL), apiKey: apiKey ?? '' }).chat(modelId),
    key: (keys) => keys.openai,
  },
  anthropic: {
    load: async ({ baseURL, apiKey }, modelId) =>
      (await import('@ai-sdk/anthropic')).createAnthropic({ ...base(baseURL), apiKey: apiKey ?? '' })(modelId),
    key: (keys) => keys.anthropic,
  },
  google: {
    load: async ({ baseURL, apiKey }, modelId) =>
      (await import('@ai-sdk/google')).createGoogleGenerativeAI({ ...base(baseURL), apiKey: apiKey ?? '' })(modelId),
    key: (keys) => keys.google,
  },
  /** Ollama, vLLM, llama.cpp's server, LM Studio: by default Ollama's address; no key unless configured. */
  'openai-compatible': {
    load: async ({ baseURL, apiKey }, modelId) =>
      (await import('@ai-sdk/openai-compatible'))
        .createOpenAICompatible({
          name: 'openai-compatible',
          baseURL: baseURL ?? 'http://127.0.0.1:11434/v1',
          ...(apiKey ? { apiKey } : {}),
          includeUsage: true,
        })
        .chatModel(modelId),
  },
} satisfies Record<string, RemoteProviderKind>

export type RemoteProvider = keyof typeof TABLE
export const REMOTE_PROVIDERS: Readonly<Record<RemoteProvider, RemoteProviderKind>> = TABLE

/** Every provider a model entry may name: the embedded runtime (`local`) and the remote kinds. */
export const PROVIDER_KINDS = ['local', ...(Object.keys(REMOTE_PROVIDERS) as RemoteProvider[])] as const

const base = (baseURL: string | undefined) => (baseURL ? { baseURL } : {})
