// Builds the server and CLI into `dist/` as one bundle (`dist/cli.js`, plus a chunk per lazily imported part):
// Node then reads a few files instead of resolving and compiling several hundred modules at every start, which
// was most of the cold start (see docs/performance.md). Type checking stays with `tsc` (`npm run typecheck`).
import { readFileSync, readdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const here = path.dirname(fileURLToPath(import.meta.url))
const dist = path.join(here, 'dist')

/** Loaded from node_modules at run time, as installed, rather than bundled. */
const external = [
  // Native addons, and node-llama-cpp's runtime (native and large; imported when a local model is first built).
  'better-sqlite3',
  '@node-rs/argon2',
  'node-llama-cpp',
  // Packages that find their own files through `__dirname`, which a bundle does not have: pino starts
  // transports (pino-pretty) in worker threads by file path.
  'pino',
  'pino-pretty',
  'thread-stream',
  // CommonJS packages imported with `import()`: bundled, they would lose their named exports (see below).
  'cookie',
  '@slack/web-api',
  'ioredis',
  // An optional native driver that pg asks for only when told to.
  'pg-native',
]

rmSync(dist, { recursive: true, force: true })
await build({
  entryPoints: [path.join(here, 'src/cli.ts')],
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The workspace packages from their TypeScript sources, as in development.
  conditions: ['@parley/source'],
  external,
  // Whitespace and syntax only: names stay readable in stack traces; the source map (`--enable-source-maps`)
  // gives file and line. Smaller source is also less memory, as V8 keeps each script's source.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  // Stack traces need the mappings only; the sources themselves would add ~9 MB to the image.
  sourcesContent: false,
  // Bundled CommonJS packages call `require` for Node's built-ins; an ES module has none of its own.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
})

// A CommonJS package imported with `import()` becomes a chunk with a default export only, so the importer's named
// exports come out undefined, and only at run time. Refuse such a build.
for (const file of readdirSync(dist).filter((name) => name.endsWith('.js'))) {
  if (/\bexport default require_\w+\(\)/.test(readFileSync(path.join(dist, file), 'utf8'))) {
    throw new Error(`dist/${file} wraps a CommonJS package imported with import(): add that package to \`external\``)
  }
}

// V8 keeps each script's source in memory, one byte per character when every character is Latin-1 and two bytes
// otherwise: one curly quote in a regular expression (which esbuild leaves as written) doubled the main bundle's
// 2.4 MB in the heap. Refuse such a build; write the character as an escape (`\u201c`).
for (const file of readdirSync(dist).filter((name) => name.endsWith('.js'))) {
  const wide = /[\u0100-\uffff]/.exec(readFileSync(path.join(dist, file), 'utf8'))
  if (wide) {
    throw new Error(
      `dist/${file} holds ${JSON.stringify(wide[0])}, beyond Latin-1: write it as an escape in the source`,
    )
  }
}
