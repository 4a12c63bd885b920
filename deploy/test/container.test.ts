import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { fakeModelsEnv, startFakeOpenAI } from '../../apps/server/test/fake-openai.ts'
import { createPostgresDatabase } from '../../apps/server/test/helpers.ts'
import { connectReady } from '../../apps/server/test/ws-client.ts'
import { startScriptNodeFlags } from '../../bench/lib/start-flags.ts'
import { IMAGE, docker, healthy, newVolume, removeAll, signIn, startParley, stateOf, waitFor } from './docker.ts'

// The image as `docker run -p 3000:3000 -v parley-data:/data parley` runs it: SQLite and the embedded model in
// a named volume. Host networking (no bridges here), so each container gets a free port through PARLEY_PORT.
const ADMIN_PASSWORD = `Deploy-admin-${randomUUID()}`
const runContainer = async (volume: string, env: Record<string, string> = {}) =>
  startParley({ volume, env: { PARLEY_ADMIN_PASSWORD: ADMIN_PASSWORD, ...env } })

afterAll(removeAll)

describe('the container image on its embedded defaults', () => {
  it('signs in, chats with the embedded model, keeps the data across a restart, runs as non-root, reports healthy, backs up and moves to PostgreSQL', async () => {
    const volume = await newVolume()
    const { name, base } = await runContainer(volume)
    const admin = await signIn(base, 'admin', ADMIN_PASSWORD)

    const conversation = (await (
      await fetch(`${base}/api/conversations`, { method: 'POST', headers: admin.headers, body: '{}' })
    ).json()) as { id: string }
    const posted = await fetch(`${base}/api/conversations/${conversation.id}/messages`, {
      method: 'POST',
      headers: admin.headers,
      body: JSON.stringify({ content: 'Hello from the container test' }),
    })
    expect(posted.status).toBe(200)
    const reply = ((await posted.json()) as { assistant_message: { content: string; status: string } })
      .assistant_message
    expect(reply.status).toBe('complete')
    expect(reply.content.length).toBeGreaterThan(0)

    // The web app and the website widget ship in the image.
    expect((await fetch(`${base}/`)).headers.get('content-type')).toContain('text/html')
    const widget = await fetch(`${base}/widget.js`)
    expect(widget.status).toBe(200)
    expect(widget.headers.get('content-type')).toContain('javascript')

    // Node runs with the flags `npm start` gives it.
    const startFlags = startScriptNodeFlags(fileURLToPath(new URL('../..', import.meta.url)))
    expect(startFlags).toContain('--single-threaded-gc')
    const command = (await docker('exec', name, 'cat', '/proc/1/cmdline')).split('\0')
    expect(command.slice(0, command.indexOf('apps/server/bin/parley.js'))).toEqual(['node', ...startFlags])
    expect(await docker('exec', name, 'id', '-u')).not.toBe('0')
    expect(await docker('exec', name, 'id', '-un')).toBe('parley')
    await waitFor('the healthcheck to pass', async () =>
      (await stateOf(name)).Health?.Status === 'healthy' ? true : undefined,
    )

    // A backup taken beside the running server, as docs/deployment.md shows it, is written and checked.
    const backup = await docker('run', '--rm', '-v', `${volume}:/data`, IMAGE, 'backup', '/data/backups/parley.db')
    expect(backup).toMatch(/Backed up the database to \/data\/backups\/parley\.db .*integrity checked/)

    await docker('restart', '-t', '30', name)
    await healthy(`${base}/health`)
    const again = await signIn(base, 'admin', ADMIN_PASSWORD)
    const messages = (await (
      await fetch(`${base}/api/conversations/${conversation.id}/messages`, { headers: again.headers })
    ).json()) as { role: string; content: string }[]
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant'])
    expect(messages[1]!.content).toBe(reply.content)

    // Moved to PostgreSQL as docs/deployment.md says: stop, copy with the image, start on the new database.
    await docker('stop', '-t', '30', name)
    const database = await createPostgresDatabase('parley_deploy_copy')
    try {
      const copied = await docker(
        'run',
        '--rm',
        '--network',
        'host',
        '-v',
        `${volume}:/data`,
        IMAGE,
        'copy-to-postgres',
        database.url,
      )
      expect(copied).toMatch(/Copied \d+ rows of \d+ tables into PostgreSQL/)
      const moved = await runContainer(await newVolume(), { PARLEY_DATABASE_URL: database.url })
      const admin = await signIn(moved.base, 'admin', ADMIN_PASSWORD)
      const kept = (await (
        await fetch(`${moved.base}/api/conversations/${conversation.id}/messages`, { headers: admin.headers })
      ).json()) as { content: string }[]
      expect(kept.map((message) => message.content)).toEqual(messages.map((message) => message.content))
    } finally {
      await removeAll()
      await database.drop()
    }
  })

  it('stores a reply that is running when the container is stopped (SIGTERM) as stopped, closing sockets with 1001', async () => {
    const upstream = await startFakeOpenAI()
    try {
      upstream.set({ kind: 'gated', chunks: ['The beginning'], rest: [' and the end.'] })
      const volume = await newVolume()
      const env = fakeModelsEnv(upstream)
      const { name, base, port } = await runContainer(volume, env)
      const admin = await signIn(base, 'admin', ADMIN_PASSWORD)
      const conversation = (await (
        await fetch(`${base}/api/conversations`, { method: 'POST', headers: admin.headers, body: '{}' })
      ).json()) as { id: string }
      const socket = await connectReady(`ws://127.0.0.1:${port}/api/ws`, { token: admin.token })
      socket.send({ type: 'send', conversation_id: conversation.id, client_message_id: 'held', content: 'Go on' })
      await socket.nextOfType('reply.delta')

      await docker('stop', '-t', '30', name)
      expect((await socket.closedWith(30_000)).code).toBe(1001)
      expect(await stateOf(name)).toMatchObject({ Status: 'exited', ExitCode: 0 })

      await docker('start', name)
      await healthy(`${base}/health`)
      const again = await signIn(base, 'admin', ADMIN_PASSWORD)
      const messages = (await (
        await fetch(`${base}/api/conversations/${conversation.id}/messages`, { headers: again.headers })
      ).json()) as { role: string; content: string; status: string }[]
      expect(messages.at(-1)).toMatchObject({ role: 'assistant', status: 'stopped', content: 'The beginning' })
    } finally {
      await upstream.close()
    }
  })
})
