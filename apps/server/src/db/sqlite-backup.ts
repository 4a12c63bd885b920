import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { AppError, conflict } from '../shared/errors.ts'

/**
 * Copies a SQLite database into a new file while servers go on reading and writing it (`VACUUM INTO`): the copy is
 * the database as one read transaction saw it, write-ahead log included (copying the file alone misses what the
 * log holds), compacted, and checked before it is reported. Never writes over an existing file.
 */
export function backUpSqlite(source: string, destination: string): { bytes: number } {
  if (!fs.existsSync(source)) throw new AppError('not_found', `There is no database at ${source}`)
  if (fs.existsSync(destination)) throw conflict(`${destination} already exists: choose a new file name`)
  fs.mkdirSync(path.dirname(path.resolve(destination)), { recursive: true })
  const database = new SQLite(source, { fileMustExist: true })
  try {
    // A server's checkpoint can hold the file for a moment; readers otherwise never wait in WAL mode.
    database.pragma('busy_timeout = 5000')
    database.prepare('vacuum into ?').run(destination)
  } finally {
    database.close()
  }
  const copy = new SQLite(destination, { readonly: true })
  try {
    const check = copy.pragma('integrity_check', { simple: true })
    if (check !== 'ok')
      throw new AppError('internal', `The copy at ${destination} failed SQLite's integrity check: ${check}`)
  } finally {
    copy.close()
  }
  return { bytes: fs.statSync(destination).size }
}
