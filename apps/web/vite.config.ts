import react from '@vitejs/plugin-react'
import { defaultClientConditions, defineConfig } from 'vite'

export default defineConfig({
  plugins: [react()],
  // The protocol package's TypeScript sources, bundled like the app's own (no separate build needed).
  resolve: { conditions: ['@parley/source', ...defaultClientConditions] },
  server: {
    // During `npm run dev` the API runs on the server's port.
    proxy: { '/api': { target: 'http://127.0.0.1:3000', ws: true }, '/health': 'http://127.0.0.1:3000' },
  },
  build: { outDir: 'dist', emptyOutDir: true },
})
