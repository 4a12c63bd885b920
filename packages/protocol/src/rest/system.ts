import { z } from 'zod'
import { Timestamp } from '../common.ts'

/** `GET /health`: liveness. */
export const HealthResponse = z.object({
  status: z.literal('healthy'),
  service: z.string(),
  version: z.string(),
  timestamp: Timestamp,
})
export type HealthResponse = z.infer<typeof HealthResponse>

/** `GET /ready`: every dependency with its state; 503 when one is down. */
export const ReadyResponse = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })),
})
export type ReadyResponse = z.infer<typeof ReadyResponse>
