import react from '@vitejs/plugin-react'
import { type Plugin, defaultClientConditions, defineConfig } from 'vite'
import { compression } from 'vite-plugin-compression2'

/**
 * KaTeX's stylesheet offers each math font as woff2, woff and ttf. Every browser the app runs in takes woff2, so
 * only those are referenced, and the build does not ship 60 files no browser fetches.
 */
const katexFontsWoff2Only: Plugin = {
  name: 'katex-fonts-woff2-only',
  enforce: 'pre',
  transform(code, id) {
    if (!/[\\/]katex[\\/]dist[\\/]katex(\.min)?\.css$/.test(id.split('?')[0]!)) return undefined
    return code.replace(/,\s*url\([^)]+\.(?:woff|ttf)\)\s*format\("(?:woff|truetype)"\)/g, '')
  },
}

export default defineConfig({
  // Brotli and gzip copies beside each file, served as they are by the server (no compression per request).
  plugins: [react(), katexFontsWoff2Only, compression({ algorithms: ['brotliCompress', 'gzip'] })],
  // The protocol package's TypeScript sources, bundled like the app's own (no separate build needed).
  resolve: { conditions: ['@parley/source', ...defaultClientConditions] },
  server: {
    // During `npm run dev` the API runs on the server's port.
    proxy: { '/api': { target: 'http://127.0.0.1:3000', ws: true }, '/health': 'http://127.0.0.1:3000' },
  },
  build: { outDir: 'dist', emptyOutDir: true },
})
