import { type ChildProcess, spawn } from 'node:child_process'
import { Redis } from 'ioredis'
import { freePort } from './free-port.ts'

/**
 * A `redis-server` of the test's own on a free port, without persistence, so a test can kill it (SIGKILL) and
 * start it again empty, as after a Redis restart that lost its data. The machine's shared Redis is never touched.
 */
export async function startThrowawayRedis() {
  const port = await freePort()
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()

  async function start() {
    const started = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    )
    child = started
    exited = new Promise<void>((resolve) => started.once('exit', () => resolve()))
    // Answering PING means it accepts commands.
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => 50 })
    probe.on('error', () => {}) // refused until the server listens
    try {
      for (const deadline = Date.now() + 10_000; ;) {
        try {
          await probe.connect()
          if ((await probe.ping()) === 'PONG') return
        } catch (error) {
          if (Date.now() > deadline) throw error
          probe.disconnect()
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
      }
    } finally {
      probe.disconnect()
    }
  }

  await start()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    /** Kills the server with SIGKILL and waits until it is gone. */
    async kill() {
      child?.kill('SIGKILL')
      await exited
    },
    /** Starts it again on the same port, empty. */
    start,
    /** Stops it answering (SIGSTOP): connections stay open, commands get no reply, as behind a network that drops packets. */
    pause: () => void child?.kill('SIGSTOP'),
    /** Lets it answer again (SIGCONT). */
    resume: () => void child?.kill('SIGCONT'),
  }
}

export type ThrowawayRedis = Awaited<ReturnType<typeof startThrowawayRedis>>
