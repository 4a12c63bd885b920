import react from '@vitejs/plugin-react'
import { defaultClientConditions, defineConfig } from 'vite'
import { compression } from 'vite-plugin-compression2'

export default defineConfig({
  // Brotli and gzip copies beside each file, served as they are by the server (no compression per request).
  plugins: [react(), compression({ algorithms: ['brotliCompress', 'gzip'] })],
  // The protocol package's TypeScript sources, bundled like the app's own (no separate build needed).
  resolve: { conditions: ['@parley/source', ...defaultClientConditions] },
  server: {
    // During `npm run dev` the API runs on the server's port.
    proxy: { '/api': { target: 'http://127.0.0.1:3000', ws: true }, '/health': 'http://127.0.0.1:3000' },
  },
  build: { outDir: 'dist', emptyOutDir: true },
})
