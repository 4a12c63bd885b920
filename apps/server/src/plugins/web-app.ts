import fs from 'node:fs'
import path from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** Vite names the files it emits under `assets/` after their content, so they never change: cache them forever. */
const HASHED = /^assets[\\/]/

/** Hashed files are immutable; everything else (`index.html` first) is revalidated on each use. */
function cacheControlFor(root: string, file: string): string {
  return HASHED.test(path.relative(root, file)) ? 'public, max-age=31536000, immutable' : 'no-cache'
}

/**
 * Serves the built single-page app at `/`. Unknown non-API GET paths get `index.html` so client-side routes
 * survive a reload; API paths keep their JSON 404.
 */
export const webAppPlugin = fp(
  async (app: FastifyInstance, options: { root: string }) => {
    const index = path.join(options.root, 'index.html')
    if (!fs.existsSync(index)) {
      app.log.warn({ root: options.root }, 'Web app is not built; run `npm run build` to serve it')
      return
    }
    await app.register(fastifyStatic, {
      root: options.root,
      // Only `reply.sendFile`: the route below serves files. Serving them itself, the plugin would list the whole
      // build directory at every start.
      serve: false,
      // `/` is answered by the fallback below: @fastify/static's own index route misses the precompressed copies.
      index: false,
      // The build writes `.br` and `.gz` beside each file; the one the client accepts is sent.
      preCompressed: true,
      cacheControl: false,
      setHeaders: (response, file) => response.setHeader('cache-control', cacheControlFor(options.root, file)),
    })
    app.get('/*', async (request, reply) => {
      const pathname = request.url.split('?')[0] ?? '/'
      if (pathname.startsWith('/api/') || pathname === '/api') {
        return reply.status(404).send({
          error: {
            code: 'not_found',
            message: `Route ${request.method} ${pathname} not found`,
            request_id: request.id,
          },
        })
      }
      const file = path.join(options.root, path.normalize(pathname))
      if (file.startsWith(options.root) && fs.existsSync(file) && fs.statSync(file).isFile()) {
        return reply.sendFile(path.relative(options.root, file))
      }
      return reply.type('text/html; charset=utf-8').sendFile('index.html')
    })
  },
  { name: 'web-app' },
)
