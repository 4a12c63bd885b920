import type { FastifyReply, FastifyRequest } from 'fastify'

const REFRESH_COOKIE = 'parley_refresh'
/** The cookie travels only to the auth endpoints, never with ordinary API calls. */
const COOKIE_PATH = '/api/auth'

export function setRefreshCookie(reply: FastifyReply, token: string, options: { secure: boolean; maxAgeMs: number }) {
  void reply.setCookie(REFRESH_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: options.secure,
    path: COOKIE_PATH,
    maxAge: Math.floor(options.maxAgeMs / 1000),
  })
}

export function clearRefreshCookie(reply: FastifyReply, secure: boolean) {
  void reply.clearCookie(REFRESH_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: COOKIE_PATH })
}

export function refreshCookieOf(request: FastifyRequest): string | undefined {
  return request.cookies[REFRESH_COOKIE]
}
