/**
 * One replica in a process of its own, so a test can kill it with SIGKILL mid-reply. Started by
 * `startReplicaProcess` with the shared database schema, Redis prefix and model settings in its environment;
 * prints `listening <port>` once it accepts connections. It beats like a served replica does.
 */
import { createDb } from '../src/db/create-db.ts'
import { LIVENESS_BEAT_MS } from '../src/modules/chat/chat.replicas.ts'
import { buildTestApp } from './helpers.ts'
import type { AddressInfo } from 'node:net'

const [url, schema, channel] = [
  process.env.REPLICA_DATABASE_URL!,
  process.env.REPLICA_SCHEMA!,
  process.env.REPLICA_BUS_CHANNEL!,
]
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('PARLEY_'))) as Record<
  string,
  string
>
const database = createDb({ url, schema, poolSize: 2 })
const replica = await buildTestApp({ dialect: 'postgres', database, redis: true, redisBusChannel: channel, env })
await replica.services.chat.keepAlive()
setInterval(() => void replica.services.chat.keepAlive().catch(() => {}), LIVENESS_BEAT_MS)
await replica.app.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write(`listening ${(replica.app.server.address() as AddressInfo).port}\n`)
