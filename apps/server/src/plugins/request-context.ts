import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** Incoming ids are honoured only when short and plain, so a client cannot inject into our logs. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

export function requestIdFrom(header: string | string[] | undefined, generate: () => string): string {
  return typeof header === 'string' && SAFE_REQUEST_ID.test(header) ? header : generate()
}

/** Echoes the request id on every response so a user's report can be matched to our logs. */
export const requestContextPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('onRequest', async (request, reply) => {
      void reply.header('x-request-id', request.id)
    })
  },
  { name: 'request-context' },
)
