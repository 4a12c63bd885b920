import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { promisify } from 'node:util'
import { freePort } from '../../apps/server/test/free-port.ts'

const exec = promisify(execFile)

/** The image the deploy tests run (`npm run test:deploy` builds it first). */
export const IMAGE = process.env.PARLEY_DEPLOY_IMAGE ?? 'parley:local'

/** Runs the docker CLI; resolves with its trimmed stdout. */
export async function docker(...args: string[]): Promise<string> {
  // The classic builder: dockerd 20.10 from Debian has no BuildKit plugin here.
  const env = { ...process.env, DOCKER_BUILDKIT: '0' }
  const { stdout } = await exec('docker', args, { maxBuffer: 16 * 1024 * 1024, env })
  return stdout.trim()
}

// Containers use the host's network, so a free host port is a free container port.
export { freePort }

/** Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await probe()
      if (value !== undefined) return value
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** Resolves once `url` answers 200. */
export const healthy = (url: string, timeoutMs?: number) =>
  waitFor(
    `${url} to answer`,
    async () => ((await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok ? true : undefined),
    timeoutMs,
  )

/** Signs in over the API; returns the bearer header. */
export async function signIn(base: string, username: string, password: string) {
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  if (!response.ok) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`)
  const { access_token: token } = (await response.json()) as { access_token: string }
  return { token, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }
}

const containers = new Set<string>()
const volumes = new Set<string>()

/** A named volume of the test's own (removed by `removeAll`). */
export async function newVolume(): Promise<string> {
  const volume = `parley-test-${randomUUID().slice(0, 8)}`
  await docker('volume', 'create', volume)
  volumes.add(volume)
  return volume
}

/**
 * Runs the image with host networking on a free port (PARLEY_PORT) and resolves once `/health` answers.
 * The image's own healthcheck command runs every 2 s instead of 15 s, so a test need not wait for a verdict.
 */
export async function startParley(options: { env?: Record<string, string>; volume?: string; args?: string[] } = {}) {
  const port = await freePort()
  const name = `parley-test-${randomUUID().slice(0, 8)}`
  const env = { PARLEY_PORT: String(port), ...options.env }
  containers.add(name)
  await docker(
    'run',
    '-d',
    '--name',
    name,
    '--network',
    'host',
    '--health-interval',
    '2s',
    ...(options.volume ? ['-v', `${options.volume}:/data`] : []),
    ...Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
    IMAGE,
    ...(options.args ?? []),
  )
  const base = `http://127.0.0.1:${port}`
  await healthy(`${base}/health`).catch(async (error: unknown) => {
    const { stdout, stderr } = await exec('docker', ['logs', '--tail', '50', name]).catch(() => ({
      stdout: '',
      stderr: '',
    }))
    throw new Error(`${String(error)}\n${name} logs:\n${stdout}${stderr}`)
  })
  return { name, base, port }
}

/** Runs any image with host networking (tracked for `removeAll`). */
export async function startContainer(image: string, args: string[]): Promise<string> {
  const name = `parley-test-${randomUUID().slice(0, 8)}`
  containers.add(name)
  await docker('run', '-d', '--name', name, '--network', 'host', ...args, image)
  return name
}

/** Removes every container the tests created with its anonymous volumes (the image's /data), and their named volumes. */
export async function removeAll() {
  for (const name of containers) await docker('rm', '-f', '-v', name).catch(() => undefined)
  for (const volume of volumes) await docker('volume', 'rm', '-f', volume).catch(() => undefined)
  containers.clear()
  volumes.clear()
}

/** Container state as `docker inspect` reports it. */
export const stateOf = async (name: string) =>
  JSON.parse(await docker('inspect', '-f', '{{json .State}}', name)) as {
    Status: string
    ExitCode: number
    Health?: { Status: string }
  }
