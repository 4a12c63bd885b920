import type { ChatModel } from '../src/llm/types.ts'
import type { manualClock } from '../src/shared/runtime.ts'

/** How long a model call takes on the test clock: until its first text, then until it finishes. */
export interface Step {
  ttftMs: number
  restMs: number
}

/**
 * Scripted timings for real (fake-server) model calls: before the first text of a call the test clock moves
 * `ttftMs`, before its finish `restMs`, so measured durations are exact. A call that never produces text
 * takes no step. `nextDelta()` resolves once the reply has taken in a text delta (a safe moment to stop it).
 */
export function createTiming(clock: () => ReturnType<typeof manualClock>) {
  const steps: Step[] = []
  let deltaWaiters: (() => void)[] = []
  return {
    plan(...next: Step[]) {
      steps.push(...next)
    },
    pending: () => steps.length,
    nextDelta: () => new Promise<void>((resolve) => deltaWaiters.push(resolve)),
    wrap(model: ChatModel): ChatModel {
      return {
        provider: model.provider,
        modelId: model.modelId,
        contextTokens: model.contextTokens,
        countTokens: (text) => model.countTokens(text),
        async generate(request, signal, onText) {
          let step: Step | undefined
          const finish = await model.generate(request, signal, (delta) => {
            if (!step) {
              step = steps.shift() ?? { ttftMs: 0, restMs: 0 }
              clock().advance(step.ttftMs)
            }
            onText(delta)
            // The reply has handled this text by the time its listener returns.
            const waiters = deltaWaiters
            deltaWaiters = []
            for (const wake of waiters) wake()
          })
          clock().advance(step?.restMs ?? 0)
          return finish
        },
      }
    },
  }
}
