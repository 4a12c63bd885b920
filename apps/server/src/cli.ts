import { Command, Option } from 'commander'
import type { Role } from '@parley/protocol'
import { registerModelCommands } from './cli/model-commands.ts'
import { ConfigError, SERVER_ROLES, loadConfig } from './config.ts'
import { copySqliteToPostgres } from './db/copy-to-postgres.ts'
import { createDb, sqliteFileOf } from './db/create-db.ts'
import { migrateToLatest } from './db/migrate.ts'
import { backUpSqlite } from './db/sqlite-backup.ts'
import { openInfrastructure } from './infrastructure.ts'
import { generatedPassword } from './modules/auth/users.service.ts'
import { startServer } from './server.ts'
import { formatBytes } from './shared/bytes.ts'
import { AppError, badRequest } from './shared/errors.ts'
import { VERSION } from './version.ts'

// The CLI is a terminal program: its output is for the operator, not the structured log.
const print = (line: string) => process.stdout.write(`${line}\n`)
const fail = (line: string) => process.stderr.write(`${line}\n`)

const config = () => loadConfig(process.env, VERSION)

async function withServices<T>(
  work: (infra: Awaited<ReturnType<typeof openInfrastructure>>) => Promise<T>,
): Promise<T> {
  const infra = await openInfrastructure(config())
  try {
    return await work(infra)
  } finally {
    await infra.close()
  }
}

// A fresh Option per command: commander mutates options, and a shared one would give `set-role` the default of
// `create-user` (silently demoting to "user" when --role is forgotten).
const roleOption = () => new Option('--role <role...>', 'roles to grant').choices(['admin', 'manager', 'user'])

const program = new Command('parley').description('Parley: self-hosted AI chat platform').version(VERSION)

program
  .command('serve')
  .description('migrate the database and start the server (configured by PARLEY_* variables)')
  .option(
    '--roles <roles>',
    `comma-separated parts to run: ${SERVER_ROLES.join(',')} (default: PARLEY_ROLES, else all)`,
  )
  .action(async (options: { roles?: string }) =>
    startServer(
      loadConfig({ ...process.env, ...(options.roles ? { PARLEY_ROLES: options.roles } : {}) }, VERSION),
      print,
    ),
  )

program
  .command('migrate')
  .description('bring the database schema to the latest version')
  .action(async () => {
    // Only the database: no Redis, services or timers, so it can run as a one-off job before the servers start.
    const database = createDb({ url: config().databaseUrl })
    try {
      await migrateToLatest(database.db)
    } finally {
      await database.close()
    }
    print('Database is up to date.')
  })

program
  .command('backup')
  .description('copy the SQLite database into a new file, consistent and checked, while Parley runs')
  .argument('<file>', 'the copy to write (must not exist yet)')
  .action((file: string) => {
    const source = sqliteFileOf(config().databaseUrl)
    if (!source)
      throw badRequest('parley backup copies a SQLite database; back up PostgreSQL with pg_dump (docs/deployment.md)')
    const { bytes } = backUpSqlite(source, file)
    print(`Backed up the database to ${file} (${formatBytes(bytes)}, integrity checked).`)
  })

program
  .command('copy-to-postgres')
  .description('copy the SQLite database into an empty PostgreSQL database, to move to PostgreSQL (stop Parley first)')
  .argument('<url>', 'the empty PostgreSQL database: postgres://user:password@host:5432/name')
  .action(async (url: string) => {
    const source = sqliteFileOf(config().databaseUrl)
    if (!source)
      throw badRequest('PARLEY_DATABASE_URL is not a SQLite file: copy-to-postgres copies the SQLite database')
    if (!/^postgres(ql)?:\/\//.test(url))
      throw badRequest('Give the PostgreSQL database as postgres://user:password@host:5432/name')
    const copied = await copySqliteToPostgres(source, url, ({ table, rows }) => print(`  ${table}: ${rows} rows`))
    const rows = copied.reduce((sum, table) => sum + table.rows, 0)
    print(`Copied ${rows} rows of ${copied.length} tables into PostgreSQL (committed).`)
    print('Set PARLEY_DATABASE_URL to that database (and PARLEY_REDIS_URL for several replicas), then start Parley.')
  })

const admin = program.command('admin').description('manage accounts')

admin
  .command('create-user')
  .description('create an account; prints a generated password when none is given')
  .requiredOption('--username <name>')
  .requiredOption('--email <email>')
  .option('--password <password>', 'omit to generate one (safer than putting it in shell history)')
  .option('--full-name <name>')
  .addOption(roleOption().default(['user']))
  .action(async (options: { username: string; email: string; password?: string; fullName?: string; role: Role[] }) =>
    withServices(async ({ services }) => {
      const password = options.password ?? generatedPassword()
      const user = await services.users.createUser(
        {
          username: options.username,
          email: options.email,
          password,
          full_name: options.fullName ?? null,
          roles: options.role,
        },
        null,
      )
      print(`Created ${user.username} (${user.id}) with roles ${user.roles.join(', ')}.`)
      if (!options.password) print(`Generated password (shown only once): ${password}`)
    }),
  )

admin
  .command('reset-password')
  .description('set a new password and end every session of the account')
  .argument('<login>', 'username or e-mail')
  .option('--password <password>', 'omit to generate one')
  .action(async (login: string, options: { password?: string }) =>
    withServices(async ({ services }) => {
      const password = options.password ?? generatedPassword()
      const user = await services.users.resetPassword(login, password)
      print(`Password of ${user.username} reset; all sessions ended.`)
      if (!options.password) print(`Generated password (shown only once): ${password}`)
    }),
  )

admin
  .command('set-role')
  .description('replace the roles of an account (its sessions end)')
  .argument('<login>', 'username or e-mail')
  .addOption(roleOption().makeOptionMandatory())
  .action(async (login: string, options: { role: Role[] }) =>
    withServices(async ({ services }) => {
      const user = await services.users.findByLogin(login)
      if (!user) throw new AppError('not_found', `No account "${login}"`)
      const updated = await services.users.adminUpdate(null, user.id, { roles: options.role })
      print(`${updated.username} now has roles ${updated.roles.join(', ')}.`)
    }),
  )

registerModelCommands(program, { config, print, fail })

program
  .command('analytics')
  .description('analytics service')
  .command('consume')
  .description(
    'store the analytics events of the Redis stream: run as a separate analytics service (needs PARLEY_REDIS_URL)',
  )
  .action(async () => {
    const settings = config()
    if (!settings.redisUrl)
      throw new AppError('bad_request', 'PARLEY_REDIS_URL is required: without Redis, events are stored directly')
    const infra = await openInfrastructure(
      { ...settings, analytics: { ...settings.analytics, consumeStream: true } },
      { onError: (error, what) => fail(`${what}: ${error instanceof Error ? error.message : String(error)}`) },
    )
    print('Storing analytics events from Redis; stop with Ctrl-C.')
    await new Promise((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    await infra.close()
  })

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof AppError) fail(error.message)
  else fail(error instanceof Error ? (error.stack ?? error.message) : String(error))
  process.exitCode = 1
})
