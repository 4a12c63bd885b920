import { SignInOptions, type SingleSignOnError } from '@parley/protocol'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Config } from '../../config.ts'
import { clientOf } from '../../plugins/auth.ts'
import { setRefreshCookie } from './refresh-cookie.ts'
import { SignInChecks, type SingleSignOn, SingleSignOnFailure } from './single-sign-on.ts'

export interface SingleSignOnRoutesOptions {
  config: Config
  singleSignOn: SingleSignOn | undefined
}

const tags = ['auth']
const START_URL = '/api/auth/oidc/start'
/**
 * The sign-in's checks, from its start to the provider's redirect back. `Lax`, not `Strict`: that redirect is a
 * navigation from the provider's site, on which a strict cookie is not sent.
 */
const CHECKS_COOKIE = 'parley_sso'
const CHECKS_PATH = '/api/auth/oidc'
const CHECKS_TTL_SECONDS = 600

function checksOf(request: FastifyRequest): SignInChecks | undefined {
  const raw = request.cookies[CHECKS_COOKIE]
  if (!raw) return undefined
  try {
    return SignInChecks.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')))
  } catch {
    return undefined
  }
}

export const singleSignOnRoutes: FastifyPluginAsyncZod<SingleSignOnRoutesOptions> = async (
  app,
  { config, singleSignOn },
) => {
  const cookie = { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, path: CHECKS_PATH } as const
  const failed = (reply: FastifyReply, code: SingleSignOnError) =>
    reply.clearCookie(CHECKS_COOKIE, cookie).redirect(`/sign-in?sso_error=${code}`, 303)

  app.get(
    '/auth/options',
    { schema: { tags, summary: 'How people can sign in here', response: { 200: SignInOptions } } },
    async () => ({
      registration_open: config.auth.registrationOpen,
      single_sign_on: singleSignOn ? { name: singleSignOn.name, start_url: START_URL } : null,
    }),
  )

  if (!singleSignOn) return

  app.get(
    '/auth/oidc/start',
    {
      onRequest: app.limitAuth,
      schema: { tags, summary: 'Start signing in through the identity provider (redirects to it)' },
    },
    async (request, reply) => {
      try {
        const { url, checks } = await singleSignOn.begin()
        const value = Buffer.from(JSON.stringify(checks)).toString('base64url')
        return reply.setCookie(CHECKS_COOKIE, value, { ...cookie, maxAge: CHECKS_TTL_SECONDS }).redirect(url, 303)
      } catch (error) {
        if (!(error instanceof SingleSignOnFailure)) throw error
        request.log.warn({ reason: error.reason }, 'Single sign-on could not start')
        return failed(reply, error.code)
      }
    },
  )

  app.get(
    '/auth/oidc/callback',
    {
      onRequest: app.limitAuth,
      schema: {
        tags,
        summary: "The identity provider's redirect back: signs in, sets the refresh cookie and opens the app",
      },
    },
    async (request, reply) => {
      const checks = checksOf(request)
      if (!checks) {
        request.log.warn({ reason: 'no sign-in in progress in this browser' }, 'Single sign-on failed')
        return failed(reply, 'failed')
      }
      const at = request.url.indexOf('?')
      try {
        const query = at < 0 ? '' : request.url.slice(at + 1)
        const tokens = await singleSignOn.complete(query, checks, clientOf(request))
        setRefreshCookie(reply, tokens.refresh_token, {
          secure: config.secureCookies,
          maxAgeMs: config.auth.refreshTokenTtlMs,
        })
        // The app finds the session through the refresh cookie, as after a reload.
        return reply.clearCookie(CHECKS_COOKIE, cookie).redirect('/', 303)
      } catch (error) {
        if (!(error instanceof SingleSignOnFailure)) throw error
        request.log.warn({ reason: error.reason, code: error.code }, 'Single sign-on failed')
        return failed(reply, error.code)
      }
    },
  )
}
