import fs from 'node:fs'
import path from 'node:path'
import type { FastifyInstance, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'

/** The launcher's name never changes, so it is cached briefly; the panel's name carries its content hash. */
const LAUNCHER_CACHE = 'public, max-age=300'
const HASHED_CACHE = 'public, max-age=31536000, immutable'
const PANEL_FILE = /^panel-[A-Za-z0-9_-]{6,}\.js$/

/** Serves the embeddable widget (`apps/widget`'s build): `/widget.js` and its lazily loaded panel. */
export const widgetScriptPlugin = fp(
  async (app: FastifyInstance, options: { root: string }) => {
    const launcher = path.join(options.root, 'widget.js')
    if (!fs.existsSync(launcher)) {
      app.log.warn({ root: options.root }, 'Widget is not built; run `npm run build:widget` to serve /widget.js')
      return
    }
    const send = (file: string, cache: string) => async (_request: unknown, reply: FastifyReply) =>
      reply
        .header('content-type', 'text/javascript; charset=utf-8')
        .header('cache-control', cache)
        // Host pages on other origins load these scripts; the default same-origin policy would block them.
        .header('cross-origin-resource-policy', 'cross-origin')
        .send(fs.createReadStream(file))
    app.get('/widget.js', send(launcher, LAUNCHER_CACHE))
    app.get<{ Params: { file: string } }>('/widget/:file', async (request, reply) => {
      const { file } = request.params
      const full = path.join(options.root, file)
      if (!PANEL_FILE.test(file) || !fs.existsSync(full)) return reply.callNotFound()
      return send(full, HASHED_CACHE)(request, reply)
    })
  },
  { name: 'widget-script' },
)
