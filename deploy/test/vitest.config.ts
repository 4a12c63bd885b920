import { defaultServerConditions } from 'vite'
import { defineConfig } from 'vitest/config'

// The deploy tests (npm run test:deploy): they drive Docker, so they are not part of `npm test`.
export default defineConfig({
  ssr: { resolve: { conditions: ['@parley/source', ...defaultServerConditions] } },
  test: {
    root: 'deploy/test',
    include: ['**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
})
