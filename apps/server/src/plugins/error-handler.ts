import http from 'node:http'
import type { Socket } from 'node:net'
import { ERROR_STATUS, type ErrorBody, type ErrorCode, type FieldIssue } from '@parley/protocol'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify'
import fp from 'fastify-plugin'
import { clientError } from '../shared/unavailable.ts'

/** Fastify's own client errors, by status, mapped to protocol codes. */
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
}

function send(reply: FastifyReply, request: FastifyRequest, status: number, body: Omit<ErrorBody, 'request_id'>) {
  return reply
    .status(status)
    .type('application/json; charset=utf-8')
    .send({ error: { ...body, request_id: request.id } })
}

function validationIssues(error: FastifyError): FieldIssue[] {
  return (error.validation ?? []).map((issue) => {
    const where = issue.instancePath.replace(/^\//, '').replaceAll('/', '.')
    const missing = (issue.params as { missingProperty?: string } | undefined)?.missingProperty
    return {
      path: [error.validationContext, where || missing].filter(Boolean).join('.'),
      message: issue.message ?? 'is invalid',
    }
  })
}

/** One place turns every thrown error into `{"error": {"code", "message"}}`; 5xx never reveal internals. */
export const errorHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const known = clientError(error)
      if (known) {
        if (known.code === 'service_unavailable') request.log.warn({ err: error }, 'Dependency unavailable')
        const { headers, retryAfterSeconds, issues } = known.options
        if (headers) void reply.headers(headers)
        if (retryAfterSeconds !== undefined) void reply.header('retry-after', String(retryAfterSeconds))
        return send(reply, request, known.statusCode, {
          code: known.code,
          message: known.message,
          ...(issues ? { issues } : {}),
        })
      }
      if (error.validation) {
        const issues = validationIssues(error)
        const first = issues[0]
        return send(reply, request, 400, {
          code: 'validation_failed',
          message: first ? `Invalid request: ${first.path} ${first.message}` : 'Invalid request',
          issues,
        })
      }
      const status = error.statusCode ?? 500
      if (status < 500 && CODE_BY_STATUS[status]) {
        const code =
          error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
            ? 'invalid_json'
            : CODE_BY_STATUS[status]!
        return send(reply, request, status, { code, message: error.message })
      }
      request.log.error({ err: error }, 'Unhandled error')
      return send(reply, request, 500, { code: 'internal', message: 'Internal Server Error' })
    })

    app.setNotFoundHandler((request, reply) =>
      send(reply, request, 404, {
        code: 'not_found',
        message: `Route ${request.method} ${request.url.split('?')[0]} not found`,
      }),
    )
  },
  { name: 'error-handler' },
)

/**
 * Headers of answers given before any route or hook ran (a malformed URL or request): the error format and the
 * security headers every other response carries, which helmet's hook cannot add there.
 */
const EARLY_ERROR_HEADERS = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
}

/** A URL Fastify cannot route (bad percent-encoding, a too long parameter): 400 in the error format. */
export const frameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']> = (error, request, reply) =>
  void send(reply.headers(EARLY_ERROR_HEADERS), request, 400, { code: 'bad_request', message: error.message })

/**
 * Requests Node's parser refuses, or that arrive too slowly: answered on the raw socket (there is no request
 * yet) in the error format, then the connection is closed.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const [code, message]: [ErrorCode, string] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? ['request_timeout', 'The request was not received in time']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? ['headers_too_large', 'The request headers are too large']
        : ['bad_request', 'Malformed HTTP request']
  const status = ERROR_STATUS[code]
  const body = JSON.stringify({ error: { code, message } })
  const headers = {
    ...EARLY_ERROR_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  }
  if (socket.writable) {
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`)
    socket.write(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n${lines.join('')}\r\n${body}`)
  }
  socket.destroy(error)
}
