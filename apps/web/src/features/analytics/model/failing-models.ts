import type { ModelUsage } from '@parley/protocol'

/** Fewer calls than this say too little to call a model failing (one timeout is not an outage). */
const FAILING_MIN_CALLS = 3

/**
 * Models that failed most of their calls in the range: they must stand out on the dashboard, since a model that
 * is down barely moves the overall error rate when other models carry most of the traffic.
 */
export function isFailing(model: Pick<ModelUsage, 'calls' | 'failed'>): boolean {
  return model.calls >= FAILING_MIN_CALLS && model.failed / model.calls > 0.5
}

export function failingModels<T extends Pick<ModelUsage, 'calls' | 'failed'>>(models: readonly T[]): T[] {
  return models.filter(isFailing)
}
