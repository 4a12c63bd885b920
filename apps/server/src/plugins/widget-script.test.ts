import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { widgetScriptPlugin } from './widget-script.ts'

describe('widget script serving', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-widget-'))
  const app = Fastify()
  beforeAll(async () => {
    fs.writeFileSync(path.join(root, 'widget.js'), 'launcher()')
    fs.writeFileSync(path.join(root, 'panel-abcdef1234.js'), 'panel()')
    fs.writeFileSync(path.join(root, 'manifest.json'), '{}')
    await app.register(widgetScriptPlugin, { root })
  })
  afterAll(async () => {
    await app.close()
    fs.rmSync(root, { recursive: true, force: true })
  })

  it('serves the launcher briefly cached and loadable from other sites', async () => {
    const response = await app.inject({ method: 'GET', url: '/widget.js' })
    expect(response.statusCode).toBe(200)
    expect(response.body).toBe('launcher()')
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(response.headers['cache-control']).toBe('public, max-age=300')
    expect(response.headers['cross-origin-resource-policy']).toBe('cross-origin')
  })

  it('serves the hashed panel as immutable, and nothing else from the directory', async () => {
    const panel = await app.inject({ method: 'GET', url: '/widget/panel-abcdef1234.js' })
    expect(panel.body).toBe('panel()')
    expect(panel.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    for (const url of ['/widget/manifest.json', '/widget/panel-missing000.js', '/widget/..%2Fwidget.js'])
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404)
  })
})
