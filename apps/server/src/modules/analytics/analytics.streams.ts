import type { ModelRegistry } from '../../llm/registry.ts'
import type { ChatModel } from '../../llm/types.ts'

/**
 * Counts model streams in flight (the `parley_active_streams` gauge) by wrapping the models a registry hands
 * out, so the chat module stays unaware of it. Each model is wrapped once, and methods that take a model back
 * (`idOf`) are given the original, so identity checks keep working.
 */
export function countStreams(registry: ModelRegistry) {
  let active = 0
  const wrappers = new WeakMap<ChatModel, ChatModel>()
  const originals = new WeakMap<ChatModel, ChatModel>()
  const wrap = (model: ChatModel): ChatModel => {
    let counted = wrappers.get(model)
    if (!counted) {
      counted = {
        provider: model.provider,
        modelId: model.modelId,
        contextTokens: model.contextTokens,
        countTokens: (text) => model.countTokens(text),
        async *stream(request, signal) {
          active += 1
          try {
            yield* model.stream(request, signal)
          } finally {
            active -= 1
          }
        },
      }
      wrappers.set(model, counted)
      originals.set(counted, model)
    }
    return counted
  }
  const counting: ModelRegistry = {
    ...registry,
    chain: async (id?: string) => (await registry.chain(id)).map(wrap),
    idOf: (model: ChatModel) => registry.idOf(originals.get(model) ?? model),
  }
  return { registry: counting, active: () => active }
}
