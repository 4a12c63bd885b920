import { Kysely, PostgresDialect, type CompiledQuery, sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../src/db/create-db.ts'
import type { Database } from '../src/db/database.ts'
import { activeLeaf, listConversations, listMessages, recentTurns } from '../src/modules/chat/chat.repo.ts'
import { versionsOf } from '../src/modules/chat/chat.tree.repo.ts'
import { TEST_POSTGRES_URL, createTestDatabase } from './helpers.ts'

/** As many messages as the long conversation where an unanalysed database sorted them all per page. */
const LONG = 10_400
/** Enough conversations of one owner that an unanalysed plan read them all and sorted them for each page. */
const MANY = 5_000

interface PlanNode {
  'Node Type': string
  'Index Name'?: string
  Plans?: PlanNode[]
}

/** Each node's type, followed by `:index` for index scans. */
const nodeTypes = (node: PlanNode): string[] => [
  node['Index Name'] ? `${node['Node Type']}:${node['Index Name']}` : node['Node Type'],
  ...(node.Plans ?? []).flatMap(nodeTypes),
]

// Autovacuum analyses tables some time after they fill, and until then the planner guesses. The hot queries
// must not depend on that: on a fresh schema that was never analysed, none may sort a whole conversation or all
// of an owner's conversations. (The list of archived conversations, seldom opened, still sorts them there.)
describe('PostgreSQL plans of the hot queries, before any ANALYZE', () => {
  let handle: DatabaseHandle
  let pool: pg.Pool
  let traced: Kysely<Database>
  const executed: CompiledQuery[] = []

  beforeAll(async () => {
    handle = await createTestDatabase('postgres')
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(handle.db)
    const schema = rows[0]!.schema
    for (const table of ['users', 'conversations', 'messages'])
      await sql`alter table ${sql.table(table)} set (autovacuum_enabled = false)`.execute(handle.db)
    await sql`insert into users (id, username, username_key, email, password_hash, roles, created_at, updated_at)
      values ('u1', 'ann', 'ann', 'ann@example.com', 'x', '["user"]', '2026-11-23T00:00:00Z', '2026-11-23T00:00:00Z')`.execute(
      handle.db,
    )
    await sql`insert into conversations (id, owner_id, created_at, updated_at)
      select 'c' || n, 'u1', '2026-11-23T00:00:00Z', '2026-11-23T00:00:' || lpad((n % 60)::text, 2, '0') || 'Z'
      from generate_series(1, ${MANY}) as n`.execute(handle.db)
    await sql`insert into messages (id, conversation_id, position, parent_id, role, content, status, created_at)
      select 'm' || n, 'c1', n, case when n > 1 then 'm' || (n - 1) end, case when n % 2 = 1 then 'user' else 'assistant' end,
        'message number ' || n || ' ' || repeat('text ', 40), 'complete', '2026-11-23T00:00:00Z'
      from generate_series(1, ${LONG}) as n`.execute(handle.db)
    const stats = await sql<{ analysed: boolean }>`
      select coalesce(last_analyze, last_autoanalyze) is not null as analysed
      from pg_stat_user_tables where schemaname = ${schema} and relname = 'messages'`.execute(handle.db)
    expect(stats.rows[0]?.analysed).toBe(false)
    pool = new pg.Pool({ connectionString: TEST_POSTGRES_URL, max: 1, options: `-c search_path=${schema}` })
    traced = new Kysely<Database>({
      dialect: new PostgresDialect({ pool }),
      log: (event) => {
        if (event.level === 'query') executed.push(event.query)
      },
    })
  })
  afterAll(async () => {
    await traced?.destroy()
    await handle?.close()
  })

  /** The plan of each statement `run` executes through the repository. */
  async function plansOf(run: (db: Kysely<Database>) => Promise<unknown>): Promise<string[][]> {
    executed.length = 0
    await run(traced)
    const statements = executed.splice(0)
    expect(statements.length).toBeGreaterThan(0)
    const plans: string[][] = []
    for (const statement of statements) {
      const { rows } = await handle.db.executeQuery<{ 'QUERY PLAN': { Plan: PlanNode }[] }>({
        ...statement,
        sql: `explain (format json) ${statement.sql}`,
      })
      plans.push(nodeTypes(rows[0]!['QUERY PLAN'][0]!.Plan))
    }
    return plans
  }

  it('reads the context of a long conversation newest first from an index, without sorting it', async () => {
    const plans = await plansOf(async (db) => {
      const page = await recentTurns(db, 'c1', 32)
      expect(page.map((row) => row.position)).toEqual(Array.from({ length: 32 }, (_, i) => LONG - i))
      await recentTurns(db, 'c1', 32, LONG - 100)
    })
    for (const plan of plans) expect(plan).not.toContain('Sort')
  })

  it('pages through the messages of a long conversation without sorting it', async () => {
    const plans = await plansOf(async (db) => {
      const page = await listMessages(db, 'c1', { limit: 50 })
      expect(page.at(-1)?.position).toBe(LONG)
      await listMessages(db, 'c1', { limit: 50, beforeId: 'm5000' })
    })
    for (const plan of plans) expect(plan).not.toContain('Sort')
  })

  it("pages through an owner's conversations newest first from an index, without sorting them", async () => {
    const plans = await plansOf(async (db) => {
      const page = await listConversations(db, 'postgres', 'u1', { limit: 31, archived: false })
      expect(page).toHaveLength(31)
      const last = page.at(-1)!
      await listConversations(db, 'postgres', 'u1', {
        limit: 31,
        archived: false,
        cursor: { updatedAt: last.updated_at, id: last.id },
      })
      await listConversations(db, 'postgres', 'u1', { limit: 31, archived: false, pinned: true })
    })
    for (const plan of plans) expect(plan).not.toContain('Sort')
  })

  it('finds the versions of a page of messages, and the last message of the active branch, from indexes', async () => {
    const pages = [
      await listMessages(handle.db, 'c1', { limit: 50 }),
      await listMessages(handle.db, 'c1', { limit: 50, beforeId: 'm51' }),
    ]
    expect(pages[1]![0]!.parent_id).toBeNull()
    const versionPlans = await plansOf(async (db) => {
      for (const page of pages) {
        const versions = await versionsOf(db, 'c1', page)
        expect(versions.get(page[0]!.id)).toEqual([page[0]!.id])
      }
    })
    // Only the page's siblings are read: not the conversation's messages one by one through another index.
    for (const plan of versionPlans) expect(plan.join(' ')).toMatch(/messages_parent_idx/)
    const [leafPlan] = await plansOf(async (db) => expect((await activeLeaf(db, 'c1'))?.position).toBe(LONG))
    for (const plan of [...versionPlans, leafPlan!]) {
      expect(plan).not.toContain('Sort')
      expect(plan).not.toContain('Seq Scan')
    }
  })
})
