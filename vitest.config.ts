import { defaultServerConditions } from 'vite'
import { defineConfig } from 'vitest/config'

// Tests run the workspace packages' TypeScript sources, not their builds (packages/protocol/package.json).
const sources = { ssr: { resolve: { conditions: ['@parley/source', ...defaultServerConditions] } } }

export default defineConfig({
  test: {
    projects: [
      { ...sources, test: { name: 'protocol', root: 'packages/protocol', include: ['src/**/*.test.ts'] } },
      {
        ...sources,
        test: {
          name: 'server',
          root: 'apps/server',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: { name: 'widget', root: 'apps/widget', include: ['src/**/*.test.ts'], environment: 'jsdom' },
      },
      {
        // The web app's own Vite config (React plugin) plus a DOM; no server is involved.
        extends: './apps/web/vite.config.ts',
        test: {
          name: 'web',
          root: 'apps/web',
          include: ['src/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['./src/testing/setup-tests.ts'],
        },
      },
    ],
  },
})
