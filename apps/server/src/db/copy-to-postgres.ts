import fs from 'node:fs'
import SQLite from 'better-sqlite3'
import { type Kysely, sql } from 'kysely'
import { AppError, conflict } from '../shared/errors.ts'
import { createDb } from './create-db.ts'
import { migrateToLatest } from './migrate.ts'

/** Bind parameters per INSERT stay well under PostgreSQL's 65,535. */
const PARAMETERS_PER_INSERT = 30_000
/** The migrator's own tables: each database keeps its own record. */
const MIGRATOR_TABLES = new Set(['kysely_migration', 'kysely_migration_lock'])

type AnyDb = Kysely<Record<string, Record<string, unknown>>>

export interface CopiedTable {
  table: string
  rows: number
}

/**
 * Copies a Parley SQLite database into an empty PostgreSQL database: both are brought to the same schema first,
 * then every table's rows go across in one PostgreSQL transaction (all or nothing), parents before the rows that
 * refer to them, and serial counters move past the copied values. What PostgreSQL computes itself (the search
 * column) is left to it; SQLite's own search index has no counterpart to copy. Refuses a target holding data.
 */
export async function copySqliteToPostgres(
  sourceFile: string,
  targetUrl: string,
  /** Told as each table is copied (a large history takes a while). */
  onCopied: (table: CopiedTable) => void = () => {},
): Promise<CopiedTable[]> {
  if (!fs.existsSync(sourceFile)) throw new AppError('not_found', `There is no database at ${sourceFile}`)
  const source = createDb({ url: `sqlite:${sourceFile}` })
  const target = createDb({ url: targetUrl, queryTimeoutMs: null })
  try {
    await migrateToLatest(source.db)
    await migrateToLatest(target.db)
    const tables = await tablesInInsertOrder(target.db as unknown as AnyDb)
    for (const { table } of tables) {
      const { rows } = await sql<{ found: number }>`select 1 as found from ${sql.table(table)} limit 1`.execute(
        target.db,
      )
      if (rows.length > 0)
        throw conflict(`The PostgreSQL database already holds data (table ${table}): copy into an empty one`)
    }
    const reader = new SQLite(sourceFile, { readonly: true, fileMustExist: true })
    try {
      // One read transaction: the copy is the source as one moment saw it.
      reader.prepare('begin').run()
      const copied = await (target.db as unknown as AnyDb).transaction().execute(async (trx) => {
        const counts: CopiedTable[] = []
        for (const { table, columns } of tables) {
          const done = { table, rows: await copyTable(reader, trx, table, columns) }
          counts.push(done)
          onCopied(done)
        }
        await advanceSerials(trx, tables)
        return counts
      })
      reader.prepare('commit').run()
      return copied
    } finally {
      reader.close()
    }
  } finally {
    await source.close()
    await target.close()
  }
}

interface TargetTable {
  table: string
  /** The columns to fill: all but those PostgreSQL generates. */
  columns: string[]
  /** Columns whose default is a sequence. */
  serials: string[]
}

/** The target's tables, each after every table its foreign keys refer to. */
async function tablesInInsertOrder(db: AnyDb): Promise<TargetTable[]> {
  const { rows: columns } = await sql<{ table_name: string; column_name: string; generated: boolean; serial: boolean }>`
    select table_name, column_name, is_generated = 'ALWAYS' as generated,
      coalesce(column_default like 'nextval(%', false) as serial
    from information_schema.columns
    where table_schema = current_schema()
    order by table_name, ordinal_position`.execute(db)
  const { rows: references } = await sql<{ child: string; parent: string }>`
    select child.relname as child, parent.relname as parent
    from pg_constraint c
    join pg_class child on child.oid = c.conrelid
    join pg_class parent on parent.oid = c.confrelid
    join pg_namespace n on n.oid = child.relnamespace
    where c.contype = 'f' and n.nspname = current_schema()`.execute(db)
  const byName = new Map<string, TargetTable>()
  for (const row of columns) {
    if (MIGRATOR_TABLES.has(row.table_name)) continue
    const table = byName.get(row.table_name) ?? { table: row.table_name, columns: [], serials: [] }
    if (!row.generated) table.columns.push(row.column_name)
    if (row.serial) table.serials.push(row.column_name)
    byName.set(row.table_name, table)
  }
  const ordered: TargetTable[] = []
  const placed = new Set<string>()
  const place = (name: string, path: Set<string>) => {
    if (placed.has(name) || path.has(name) || !byName.has(name)) return
    path.add(name)
    for (const { child, parent } of references) if (child === name && parent !== name) place(parent, path)
    placed.add(name)
    ordered.push(byName.get(name)!)
  }
  for (const name of [...byName.keys()].sort()) place(name, new Set())
  return ordered
}

/**
 * Rows in the order SQLite stored them, so that a row referring to another of its own table (a reply to its
 * message) comes after it, as it did when it was written.
 */
async function copyTable(reader: SQLite.Database, trx: AnyDb, table: string, columns: string[]): Promise<number> {
  const present = new Set(
    (reader.prepare(`select name from pragma_table_info(?)`).all(table) as { name: string }[]).map((c) => c.name),
  )
  if (present.size === 0) return 0
  const shared = columns.filter((column) => present.has(column))
  const select = reader.prepare(
    `select ${shared.map((column) => `"${column}"`).join(', ')} from "${table}" order by rowid`,
  )
  const batchSize = Math.max(1, Math.floor(PARAMETERS_PER_INSERT / shared.length))
  let batch: Record<string, unknown>[] = []
  let copied = 0
  for (const row of select.iterate() as IterableIterator<Record<string, unknown>>) {
    batch.push(row)
    if (batch.length < batchSize) continue
    await trx.insertInto(table).values(batch).execute()
    copied += batch.length
    batch = []
  }
  if (batch.length > 0) await trx.insertInto(table).values(batch).execute()
  return copied + batch.length
}

/** A serial column's next value comes after the largest one copied. */
async function advanceSerials(trx: AnyDb, tables: TargetTable[]) {
  for (const { table, serials } of tables)
    for (const column of serials)
      await sql`select setval(pg_get_serial_sequence(${table}, ${column}), coalesce(max(${sql.ref(column)}), 0) + 1, false) from ${sql.table(table)}`.execute(
        trx,
      )
}
