import type { ModelCall } from '@parley/protocol'

/**
 * A model call as analytics records it (`model.called`, and the `call` of `reply.*` events): the tokens it used,
 * how long it took, how it ended and, when it failed, why (a `ModelError`'s kind and message).
 */
export function modelCallRecord(call: {
  provider: string
  /** The id users pick, not the provider's own name for the model. */
  model: string
  tokens: { prompt: number; completion: number }
  firstTokenMs: number | null
  durationMs: number
  outcome: ModelCall['outcome']
  failure?: { kind: string; message: string | null } | null | undefined
}): ModelCall {
  return {
    provider: call.provider,
    model: call.model,
    prompt_tokens: call.tokens.prompt,
    completion_tokens: call.tokens.completion,
    first_token_ms: call.firstTokenMs,
    duration_ms: call.durationMs,
    outcome: call.outcome,
    error_class: call.failure?.kind ?? null,
    error_message: call.failure?.message ?? null,
  }
}
