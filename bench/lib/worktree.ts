/**
 * A checkout of another revision beside this one, for comparing the two on one machine in one run. It uses this
 * checkout's installed packages, except its own workspace packages (`@parley/*`), which it links to itself, and
 * builds its protocol and server packages. A revision needing a package this checkout no longer installs fails to
 * start: install it here with `npm install --no-save` for the comparison.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { REPO_ROOT } from './processes.ts'

const WORKSPACES: Record<string, string> = { protocol: 'packages/protocol', server: 'apps/server', web: 'apps/web' }

export interface Checkout {
  root: string
  /** The commit checked out, abbreviated. */
  commit: string
  remove(): void
}

export function checkoutRevision(revision: string): Checkout {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
  const commit = git('rev-parse', '--short', `${revision}^{commit}`)
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `parley-compare-${commit}-`))
  git('worktree', 'add', '--detach', root, commit)
  const modules = path.join(root, 'node_modules')
  fs.mkdirSync(path.join(modules, '@parley'), { recursive: true })
  for (const entry of fs.readdirSync(path.join(REPO_ROOT, 'node_modules'))) {
    if (entry !== '@parley') fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', entry), path.join(modules, entry))
  }
  for (const [name, folder] of Object.entries(WORKSPACES)) {
    fs.symlinkSync(path.join('..', '..', folder), path.join(modules, '@parley', name))
    const own = path.join(REPO_ROOT, folder, 'node_modules')
    if (fs.existsSync(own)) fs.symlinkSync(own, path.join(root, folder, 'node_modules'))
  }
  // Its server runs built, as `npm start` runs it (the web app is not needed to measure the API): with the
  // revision's own `build.mjs` where it has one (the bundled server), otherwise compiled by tsc.
  for (const folder of ['packages/protocol', 'apps/server']) {
    const cwd = path.join(root, folder)
    const script = fs.existsSync(path.join(cwd, 'build.mjs'))
      ? ['build.mjs']
      : [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json']
    execFileSync(process.execPath, script, { cwd, stdio: 'inherit' })
  }
  return {
    root,
    commit,
    remove() {
      try {
        git('worktree', 'remove', '--force', root)
      } finally {
        fs.rmSync(root, { recursive: true, force: true })
        git('worktree', 'prune')
      }
    },
  }
}
