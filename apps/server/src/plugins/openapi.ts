import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import swagger from '@fastify/swagger'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { jsonSchemaTransform } from 'fastify-type-provider-zod'
import type { Config } from '../config.ts'

/** Swagger UI's files the docs page loads, with their types; nothing else of the package is served. */
const UI_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
}

/** The page: Swagger UI's static bundle pointed at our document; scripts are files, as the CSP requires. */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Parley API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/start.js"></script>
</body>
</html>
`

const START = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true })\n`

/**
 * The OpenAPI document, generated from the same zod schemas that validate requests, and a page browsing it with
 * Swagger UI (`swagger-ui-dist`, its files read from the package when asked for: nothing of it loads at start).
 */
export const openApiPlugin = fp(
  async (app: FastifyInstance, options: { config: Config }) => {
    await app.register(swagger, {
      openapi: {
        info: { title: 'Parley API', version: options.config.version, description: 'Self-hosted AI chat platform' },
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer', description: 'Access token (JWT) or API key (pk_…)' },
          },
        },
      },
      transform: jsonSchemaTransform,
    })
    app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger())
    app.get('/api/docs', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(PAGE),
    )
    app.get('/api/docs/start.js', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(START),
    )
    app.get<{ Params: { file: string } }>('/api/docs/:file', { schema: { hide: true } }, async (request, reply) => {
      const type = UI_FILES[request.params.file]
      if (!type) return reply.callNotFound()
      const file = path.join(uiDirectory(), request.params.file)
      return reply.type(type).header('cache-control', 'public, max-age=86400').send(fs.createReadStream(file))
    })
  },
  { name: 'openapi' },
)

let directory: string | undefined
/** Where `swagger-ui-dist` is installed, found on first use (the bundle has no `node_modules` of its own). */
function uiDirectory(): string {
  directory ??= path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/swagger-ui-bundle.js'))
  return directory
}
