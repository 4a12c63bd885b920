import { type ErrorBody, ErrorResponse } from '@parley/protocol'
import type { z } from 'zod'
import type { Session } from './session.ts'

/** A non-2xx answer, carrying the server's typed error body (code, message, field issues). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    /** How long the server asked to wait before trying again (`Retry-After` in seconds), when it said. */
    readonly retryAfterSeconds?: number,
  ) {
    super(body.message)
    this.name = 'ApiError'
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  body?: unknown
  query?: Record<string, string | number | undefined>
  /** Send without the access token (login, register). */
  anonymous?: boolean
}

export interface ApiResult<T> {
  data: T
  headers: Headers
}

async function errorOf(response: Response): Promise<ApiError> {
  const parsed = ErrorResponse.safeParse(await response.json().catch(() => undefined))
  const body: ErrorBody = parsed.success
    ? parsed.data.error
    : { code: 'internal', message: `Request failed (${response.status})` }
  const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN)
  return new ApiError(response.status, body, Number.isFinite(retryAfter) ? retryAfter : undefined)
}

function urlOf(path: string, query: RequestOptions['query']) {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query ?? {}))
    if (value !== undefined && value !== '') params.set(key, String(value))
  const search = params.toString()
  return search ? `${path}?${search}` : path
}

/** Typed REST calls: every answer is parsed with its `@parley/protocol` schema; a 401 refreshes once and retries. */
export function createApiClient(deps: { session: Session; fetch?: typeof fetch }) {
  const doFetch = deps.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args))
  const { session } = deps

  async function send(path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (options.body !== undefined) headers['content-type'] = 'application/json'
    if (!options.anonymous) {
      const token = await session.getAccessToken()
      if (token) headers.authorization = `Bearer ${token}`
    }
    return doFetch(urlOf(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    })
  }

  async function requestWithHeaders<S extends z.ZodType>(
    schema: S,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResult<z.infer<S>>> {
    let response = await send(path, options)
    if (response.status === 401 && !options.anonymous && (await session.refresh())) response = await send(path, options)
    if (response.status === 401 && !options.anonymous) session.clear()
    if (!response.ok) throw await errorOf(response)
    const parsed = schema.safeParse(await response.json())
    if (!parsed.success)
      throw new ApiError(response.status, { code: 'internal', message: `Unexpected answer from ${path}` })
    return { data: parsed.data, headers: response.headers }
  }

  /** A file answer (CSV, JSON or Markdown export) with the name the server suggests in `content-disposition`. */
  async function download(
    path: string,
    options: RequestOptions = {},
  ): Promise<{ blob: Blob; filename: string | undefined }> {
    let response = await send(path, options)
    if (response.status === 401 && (await session.refresh())) response = await send(path, options)
    if (!response.ok) throw await errorOf(response)
    const filename = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1]
    return { blob: await response.blob(), filename }
  }

  return {
    requestWithHeaders,
    download,
    request: async <S extends z.ZodType>(schema: S, path: string, options?: RequestOptions) =>
      (await requestWithHeaders(schema, path, options)).data,
  }
}

export type ApiClient = ReturnType<typeof createApiClient>
