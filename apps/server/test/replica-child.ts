import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import type { DatabaseHandle } from '../src/db/create-db.ts'
import { TEST_POSTGRES_URL } from './helpers.ts'

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'replica-process.ts')

export interface ReplicaChild {
  /** `ws://127.0.0.1:<port>` of the replica. */
  socketBase: string
  /** Kills the process with SIGKILL (no shutdown of any kind) and waits until it is gone. */
  kill(): Promise<void>
}

/**
 * Starts a replica in its own process on the same PostgreSQL schema and Redis channel as the test's replicas.
 * A test that kills it proves what survives a replica dying without a chance to clean up.
 */
export async function startReplicaChild(
  database: DatabaseHandle,
  options: { busChannel: string; env: Record<string, string> },
): Promise<ReplicaChild> {
  const { schema } = (await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db)).rows[0]!
  const child: ChildProcess = spawn(process.execPath, ['--conditions=@parley/source', '--import', 'tsx', SCRIPT], {
    env: {
      PATH: process.env.PATH ?? '',
      REPLICA_DATABASE_URL: TEST_POSTGRES_URL,
      REPLICA_SCHEMA: schema,
      REPLICA_BUS_CHANNEL: options.busChannel,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let output = ''
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening (\d+)/.exec(output)
      if (match) resolve(Number(match[1]))
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    void exited.then(() => reject(new Error(`replica process exited before listening:\n${output}`)))
  })
  return {
    socketBase: `ws://127.0.0.1:${port}`,
    async kill() {
      child.kill('SIGKILL')
      await exited
    },
  }
}
