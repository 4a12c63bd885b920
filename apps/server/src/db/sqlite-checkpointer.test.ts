import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { startCheckpointer } from './sqlite-checkpointer.ts'

describe('SQLite checkpointer', () => {
  const dirs: string[] = []
  afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })))

  function open() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-checkpoint-'))
    dirs.push(dir)
    const file = path.join(dir, 'test.db')
    const database = new SQLite(file)
    database.pragma('journal_mode = WAL')
    database.exec('create table t (id integer primary key, body text)')
    return { database, file }
  }
  const insert = (database: SQLite.Database, rows: number) => {
    const statement = database.prepare('insert into t (body) values (?)')
    database.transaction(() => {
      for (let i = 0; i < rows; i++) statement.run('x'.repeat(1000))
    })()
  }

  it('moves the log into the database file from its worker, never on the main connection', async () => {
    const { database, file } = open()
    const checkpointer = startCheckpointer(database, file, { intervalMs: 50 })
    expect(database.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
    insert(database, 3_000) // ~3 MB: far past the 1,000 pages that would make a commit checkpoint by itself
    const before = fs.statSync(file).size
    await expect.poll(() => fs.statSync(file).size, { timeout: 5_000 }).toBeGreaterThan(before + 2_000_000)
    await checkpointer.stop()
    database.close()
  })

  it('gives checkpointing back to the main connection when its worker fails', async () => {
    const { database } = open()
    const checkpointer = startCheckpointer(database, path.join(os.tmpdir(), 'parley-missing-dir', 'missing.db'))
    await expect.poll(() => database.pragma('wal_autocheckpoint', { simple: true }), { timeout: 5_000 }).toBe(1_000)
    await checkpointer.stop() // a worker already gone does not hold up shutdown
    database.close()
  })
})
