import { z } from 'zod'

/**
 * Every error code the API can answer with, and the HTTP status it maps to.
 * One table for server and clients (the server derives statuses from it; clients switch on codes).
 */
export const ERROR_STATUS = {
  bad_request: 400,
  proof_of_work_required: 400,
  validation_failed: 400,
  weak_password: 400,
  invalid_json: 400,
  url_not_allowed: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  invalid_token: 401,
  session_revoked: 401,
  refresh_token_reused: 401,
  forbidden: 403,
  account_disabled: 403,
  registration_closed: 403,
  invitation_email_mismatch: 403,
  bot_detected: 403,
  origin_not_allowed: 403,
  widget_disabled: 403,
  widget_mismatch: 403,
  proof_of_work_invalid: 403,
  not_found: 404,
  unknown_model: 404,
  unknown_catalogue_model: 404,
  request_timeout: 408,
  conflict: 409,
  download_running: 409,
  model_not_downloaded: 409,
  model_already_downloaded: 409,
  conversation_deleted: 410,
  invitation_invalid: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  headers_too_large: 431,
  message_cap_reached: 429,
  quota_exceeded: 429,
  internal: 500,
  upstream_unavailable: 502,
  not_ready: 503,
  service_unavailable: 503,
} as const satisfies Record<string, number>

/** Machine-readable error code carried by every error response. */
export const ErrorCode = z.enum(
  Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]],
)
export type ErrorCode = z.infer<typeof ErrorCode>

/** One failing field of a validation error. */
export const FieldIssue = z.object({ path: z.string(), message: z.string() })
export type FieldIssue = z.infer<typeof FieldIssue>

/** The `error` member of every error response body. */
export const ErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  request_id: z.string().optional(),
  issues: z.array(FieldIssue).optional(),
})
export type ErrorBody = z.infer<typeof ErrorBody>

/** Every non-2xx JSON response: `{"error": {"code", "message"}}`. */
export const ErrorResponse = z.object({ error: ErrorBody })
export type ErrorResponse = z.infer<typeof ErrorResponse>
