import type { FastifyInstance } from 'fastify'
import type { Config, ServerRole } from './config.ts'
import { adminRoutes } from './modules/admin/admin.routes.ts'
import { analyticsRoutes } from './modules/analytics/analytics.routes.ts'
import { apiKeysRoutes } from './modules/auth/api-keys.routes.ts'
import { authRoutes, jwksRoutes } from './modules/auth/auth.routes.ts'
import { singleSignOnRoutes } from './modules/auth/single-sign-on.routes.ts'
import { usersRoutes } from './modules/auth/users.routes.ts'
import { chatRoutes } from './modules/chat/chat.routes.ts'
import type { SocketRegistry } from './modules/chat/chat.socket-registry.ts'
import { chatSocketRoutes } from './modules/chat/chat.ws.ts'
import { contractSocketRoutes } from './modules/chat/chat.ws-contract.ts'
import { guardRoutes } from './modules/guard/guard.routes.ts'
import { guestsRoutes } from './modules/guests/guests.routes.ts'
import { modelsRoutes } from './modules/models/models.routes.ts'
import { notificationsRoutes } from './modules/notifications/notifications.routes.ts'
import { sharesRoutes } from './modules/shares/shares.routes.ts'
import { invitationsRoutes } from './modules/invitations/invitations.routes.ts'
import { promptsRoutes } from './modules/prompts/prompts.routes.ts'
import { widgetsRoutes } from './modules/widgets/widgets.routes.ts'
import { webAppPlugin } from './plugins/web-app.ts'
import { widgetScriptPlugin } from './plugins/widget-script.ts'
import type { Services } from './services.ts'

export interface RoleRouteDeps {
  config: Config
  services: Services
  sockets: SocketRegistry
  webDist: string | undefined
  widgetDist: string | undefined
}

/**
 * The routes each role answers; every process also answers `/health`, `/ready` and `/metrics` (app.ts).
 * docs/deployment.md lists the paths, and the split deployments' proxies route by them.
 */
export const ROLE_ROUTES: Record<ServerRole, (app: FastifyInstance, deps: RoleRouteDeps) => Promise<void>> = {
  // Accounts, sign-in, sessions, API keys, administration (users, widgets, notifications), the widgets' public
  // configuration, and the keys every role verifies tokens with.
  auth: async (app, { config, services }) => {
    await app.register(jwksRoutes, { tokens: services.tokens })
    await app.register(
      async (api) => {
        await api.register(authRoutes, {
          config,
          auth: services.auth,
          tokens: services.tokens,
          providerSignOutUrl: services.singleSignOn?.signOutUrl,
        })
        await api.register(singleSignOnRoutes, { config, singleSignOn: services.singleSignOn })
        await api.register(usersRoutes, { users: services.users })
        await api.register(promptsRoutes, { prompts: services.prompts })
        await api.register(apiKeysRoutes, { apiKeys: services.apiKeys })
        await api.register(adminRoutes, { users: services.users, audit: services.audit })
        await api.register(invitationsRoutes, { invitations: services.invitations })
        await api.register(widgetsRoutes, { widgets: services.widgets })
        await api.register(notificationsRoutes, { notifications: services.notifications })
      },
      { prefix: '/api' },
    )
  },
  // Conversations and replies over REST and WebSocket, shared links, guest chat, the guard's flags and message
  // limits, and the operators' Models screen.
  chat: async (app, { config, services, sockets }) => {
    await app.register(
      async (api) => {
        await api.register(chatRoutes, { chat: services.chat, importBodyLimit: config.importBodyLimit })
        await api.register(sharesRoutes, { shares: services.shares })
        await api.register(guestsRoutes, { guests: services.guests, guard: services.guard })
        await api.register(guardRoutes, { guard: services.guard })
        // With the models' registry: switching the default and adding a downloaded model act on this process.
        await api.register(modelsRoutes, { models: services.modelAdmin })
        const socketOptions = {
          chat: services.chat,
          auth: services.auth,
          sockets,
          corsOrigins: config.corsOrigins,
          maxSocketsPerUser: config.guard.maxSocketsPerUser,
          onCapReached: services.guard.countCap,
          liveSummary: () => services.analytics.summary({}),
          onSocketOpened: () => services.analytics.metrics.observeSocketOpened(),
          onFrame: (type: string) => services.analytics.metrics.observeSocketFrame(type),
        }
        await api.register(chatSocketRoutes, socketOptions)
        await api.register(contractSocketRoutes, socketOptions)
      },
      { prefix: '/api' },
    )
  },
  // The dashboard API (the stream consumer is started with the infrastructure: infrastructure.ts).
  analytics: async (app, { services }) => {
    await app.register(async (api) => api.register(analyticsRoutes, { analytics: services.analytics }), {
      prefix: '/api',
    })
  },
  // The single-page app at `/` (unknown non-API paths get its index.html) and the website widget's script.
  web: async (app, { webDist, widgetDist }) => {
    if (widgetDist) await app.register(widgetScriptPlugin, { root: widgetDist })
    if (webDist) await app.register(webAppPlugin, { root: webDist })
  },
}
