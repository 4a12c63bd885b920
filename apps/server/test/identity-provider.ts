/**
 * A real OpenID Connect provider (the certified `oidc-provider` package) for the single sign-on tests: discovery,
 * authorization code with PKCE, signed ID tokens, userinfo. Only its sign-in page is ours: a form that takes any
 * e-mail address and signs in as the account it names (subject `sub-<e-mail>`), so a test picks who signs in.
 * `verified=false` in the form makes the provider say the address is not verified; `groups` (comma-separated) are
 * the person's groups, given in the `groups` claim to a client that asks for the `groups` scope.
 *
 * Imported by the server's tests; the browser tests run it as a process: `node --import tsx identity-provider.ts
 * <port> <redirect URI> [<post-logout redirect URI>]`.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'
import Provider from 'oidc-provider'

export const CLIENT_ID = 'parley-test'
export const CLIENT_SECRET = 'parley-test-secret-0123456789abcdef'

const page = (uid: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><main><h1>Test identity provider</h1>
<form method="post" action="/interaction/${uid}">
<label>E-mail <input name="email" type="email" required></label>
<label><input name="verified" type="checkbox" value="true" checked> Verified</label>
<label>Groups <input name="groups"></label>
<button type="submit">Continue</button>
</form></main></body></html>`

function readForm(request: http.IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = ''
    request.setEncoding('utf8')
    request.on('data', (chunk) => (body += chunk))
    request.on('end', () => resolve(new URLSearchParams(body)))
    request.on('error', reject)
  })
}

/** Starts the provider on 127.0.0.1:`port` (0: any free port); resolves with its issuer URL and `close`. */
export async function startIdentityProvider(options: {
  port?: number
  redirectUris: string[]
  postLogoutRedirectUris?: string[]
}) {
  const accounts = new Map<string, Record<string, unknown>>()
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: options.redirectUris,
        post_logout_redirect_uris: options.postLogoutRedirectUris ?? [],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
      groups: ['groups'],
    },
    cookies: { keys: ['identity-provider-test-cookie-key'] },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        // The provider's own form (its action and anti-forgery field), with a button of ours.
        logoutSource: (ctx, form) => {
          ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign out</title></head>
<body><main><h1>Sign out of the test identity provider?</h1>${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button></main></body></html>`
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const claims = accounts.get(sub)
      return claims && { accountId: sub, claims: () => ({ sub, ...claims }) }
    },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    // Consent is implied: the test's user always agrees.
    loadExistingGrant: async (ctx) => {
      const accountId = ctx.oidc.session?.accountId
      if (!accountId || !ctx.oidc.client) return undefined
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId })
      grant.addOIDCScope('openid email profile groups')
      await grant.save()
      return grant
    },
  })
  const callback = provider.callback()
  server.on('request', async (request, response) => {
    const interaction = /^\/interaction\/([\w-]+)$/.exec(request.url ?? '')
    if (!interaction) return callback(request, response)
    try {
      if (request.method === 'GET') {
        await provider.interactionDetails(request, response)
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(interaction[1]!))
        return
      }
      const form = await readForm(request)
      const email = String(form.get('email')).toLowerCase()
      const sub = `sub-${email}`
      const name = email.split('@')[0]!
      accounts.set(sub, {
        email,
        email_verified: form.get('verified') === 'true',
        name: name.charAt(0).toUpperCase() + name.slice(1),
        preferred_username: name,
        groups: String(form.get('groups') ?? '')
          .split(',')
          .map((group) => group.trim())
          .filter(Boolean),
      })
      await provider.interactionFinished(request, response, { login: { accountId: sub } }, {})
    } catch (error) {
      response.writeHead(400, { 'content-type': 'text/plain' }).end(String(error))
    }
  })
  return { issuer, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [port, redirectUri, postLogoutRedirectUri] = process.argv.slice(2)
  const { issuer } = await startIdentityProvider({
    port: Number(port),
    redirectUris: [redirectUri!],
    postLogoutRedirectUris: postLogoutRedirectUri ? [postLogoutRedirectUri] : [],
  })
  console.log(`Identity provider at ${issuer}`)
}
