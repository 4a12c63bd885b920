import { type Server, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** Breaks every element it can reach: the widget's shadow root must keep it out. */
const HOSTILE_CSS = '* { color: red !important; font: 40px serif !important }'

/**
 * A third-party site on its own origin, embedding the widget snippet the operator copies:
 * `/?widget=<id>` puts up the bubble, `/inline?widget=<id>` renders the chat into an element of the page.
 */
export async function startHostSite(
  parleyUrl: string,
): Promise<{ origin: string; port: number; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://host.invalid')
    const widget = url.searchParams.get('widget') ?? ''
    const inline = url.pathname === '/inline'
    const snippet = inline
      ? `<div id="parley-chat" style="height:520px"></div>
         <script src="${parleyUrl}/widget.js" data-widget="${widget}" data-mode="inline" data-target="#parley-chat" async></script>`
      : `<script src="${parleyUrl}/widget.js" data-widget="${widget}" async></script>`
    // `?csp`: the policy docs/widget.md tells site owners to add, on a page that allows nothing else.
    const csp = url.searchParams.has('csp')
      ? { 'content-security-policy': `default-src 'none'; script-src ${parleyUrl}; connect-src ${parleyUrl}` }
      : {}
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...csp })
    response.end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shoe shop</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
${url.searchParams.has('hostile') ? `<style>${HOSTILE_CSS}</style>` : ''}</head>
<body><main><h1>Shoe shop</h1><p id="content">Our shoes are the best.</p>${snippet}</main></body></html>`)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
