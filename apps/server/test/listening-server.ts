import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** Starts `handler` on a free local port; `close` also drops idle keep-alive sockets instead of waiting on them. */
export async function listenLocally(handler: http.RequestListener) {
  const server = http.createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    },
  }
}
