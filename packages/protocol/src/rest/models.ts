import { z } from 'zod'
import { Timestamp } from '../common.ts'
import { ReplyFailure } from './chat.ts'

/** `ok`: its last call or test answered; `failing`: its last one failed; `unknown`: not called since the start. */
export const ModelHealth = z.enum(['ok', 'failing', 'unknown'])
export type ModelHealth = z.infer<typeof ModelHealth>

/** The last failure of a model (a reply, an attempt of a fallback chain, or a test), with when it happened. */
export const ModelLastError = ReplyFailure.extend({ at: Timestamp })
export type ModelLastError = z.infer<typeof ModelLastError>

/** Calls of one model over the last 30 days, as the analytics report counts them (every attempt of a chain). */
export const ModelCallFigures = z.object({
  calls: z.number().int(),
  failed: z.number().int(),
  error_rate: z.number(),
})
export type ModelCallFigures = z.infer<typeof ModelCallFigures>

/** One model users can pick, for the operators' Models screen. */
export const AdminModel = z.object({
  id: z.string(),
  label: z.string(),
  /** `local` (the embedded llama.cpp runtime), `openai`, `anthropic`, `google` or `openai-compatible`. */
  provider: z.string(),
  /** Models tried, in order, when this one fails before its first token. */
  fallback: z.array(z.string()),
  default: z.boolean(),
  demo: z.boolean(),
  /** `config`: listed in PARLEY_MODELS (or the built-in one); `catalogue`: a catalogue model downloaded here. */
  source: z.enum(['config', 'catalogue']),
  status: ModelHealth,
  last_error: ModelLastError.nullable(),
  last_ok_at: Timestamp.nullable(),
  /** Duration of its last successful call or test. */
  last_latency_ms: z.number().nullable(),
  usage: ModelCallFigures,
})
export type AdminModel = z.infer<typeof AdminModel>

export const DownloadState = z.enum(['running', 'done', 'failed', 'cancelled'])
export type DownloadState = z.infer<typeof DownloadState>

/** A download of a catalogue model, running or finished since the server started. */
export const ModelDownload = z.object({
  state: DownloadState,
  received_bytes: z.number().int(),
  /** Null when the server did not state the size. */
  total_bytes: z.number().int().nullable(),
  /** Bytes already on disk from an interrupted download when this one started (it resumed from there). */
  resumed_from: z.number().int(),
  /** Average over this run; null until time has passed. */
  bytes_per_second: z.number().nullable(),
  seconds_left: z.number().nullable(),
  /** Why it stopped: `network`, `timeout`, `checksum_mismatch`, `checksum_conflict`, `not_found`… */
  error: z.object({ reason: z.string(), message: z.string() }).nullable(),
  started_at: Timestamp,
  finished_at: Timestamp.nullable(),
})
export type ModelDownload = z.infer<typeof ModelDownload>

/** One model of the catalogue `parley model pull` downloads from (PARLEY_MODEL_BASE_URL). */
export const CatalogueEntry = z.object({
  name: z.string(),
  label: z.string(),
  licence: z.string(),
  approx_bytes: z.number().int(),
  file: z.string(),
  /** Whether the SHA-256 is pinned in the catalogue (else the hub's stated one is checked). */
  pinned_sha256: z.boolean(),
  downloaded: z.boolean(),
  /** Bytes of an interrupted download kept on disk; the next download resumes from there. */
  partial_bytes: z.number().int().nullable(),
  /** The id users pick once it is downloaded (the catalogue name, unless a configured model already has it). */
  model_id: z.string().nullable(),
  download: ModelDownload.nullable(),
})
export type CatalogueEntry = z.infer<typeof CatalogueEntry>

/** `GET /api/admin/models`. */
export const ModelsOverview = z.object({
  default_id: z.string(),
  models: z.array(AdminModel),
  catalogue: z.array(CatalogueEntry),
})
export type ModelsOverview = z.infer<typeof ModelsOverview>

/** `POST /api/admin/models/{id}/test`: a short real call through the model alone (no fallback). */
export const ModelTestResult = z.object({
  ok: z.boolean(),
  latency_ms: z.number(),
  /** The start of the answer, so an operator sees the model speak. */
  reply: z.string(),
  failure: ReplyFailure.nullable(),
})
export type ModelTestResult = z.infer<typeof ModelTestResult>

/** `PUT /api/admin/models/default` (the model new conversations use) and `POST /api/admin/models/test`. */
export const ModelIdRequest = z.strictObject({ id: z.string().min(1).max(100) })
export type ModelIdRequest = z.infer<typeof ModelIdRequest>
