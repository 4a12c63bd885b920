import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig, devices } from '@playwright/test'

const here = path.dirname(fileURLToPath(import.meta.url))

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

// Workers load this file again: the port and data dir chosen by the runner reach them through the environment.
process.env.PARLEY_E2E_PORT ??= String(await freePort())
process.env.PARLEY_E2E_SLOW_MODEL_PORT ??= String(await freePort())
process.env.PARLEY_E2E_DATA_DIR ??= mkdtempSync(path.join(tmpdir(), 'parley-e2e-'))
process.env.PARLEY_E2E_HUB_PORT ??= String(await freePort())
process.env.PARLEY_E2E_HUB_DIR ??= mkdtempSync(path.join(tmpdir(), 'parley-e2e-hub-'))
process.env.PARLEY_E2E_IDP_PORT ??= String(await freePort())
const port = Number(process.env.PARLEY_E2E_PORT)
const slowModelPort = Number(process.env.PARLEY_E2E_SLOW_MODEL_PORT)
const hubPort = Number(process.env.PARLEY_E2E_HUB_PORT)
const identityProviderPort = Number(process.env.PARLEY_E2E_IDP_PORT)
const baseURL = `http://127.0.0.1:${port}`

export default defineConfig({
  testDir: './e2e',
  outputDir: './e2e/artifacts/results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  // Where specs reach the fake model's record of what it was asked (e2e/support/fake-model.ts).
  metadata: { fakeModelUrl: `http://127.0.0.1:${slowModelPort}` },
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      // Debian's Chromium (installed by .ci/run), never a browser downloaded by the test tool.
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'desktop', use: { ...devices['Desktop Chrome'], channel: undefined }, testIgnore: /phone\.spec\.ts/ },
    { name: 'phone', use: { ...devices['Pixel 7'], channel: undefined }, testMatch: /phone\.spec\.ts/ },
  ],
  webServer: [
    {
      // A fake OpenAI-compatible model that streams slowly, for the stop and reconnect tests (e2e/support/slow-model.mjs).
      command: `node e2e/support/slow-model.mjs ${slowModelPort}`,
      cwd: here,
      url: `http://127.0.0.1:${slowModelPort}/health`,
      timeout: 10_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      // A stand-in for the model hub (e2e/support/model-hub.mjs); it writes the catalogue the server reads, so it
      // starts first (web servers start in order).
      command: `node e2e/support/model-hub.mjs ${hubPort} ${process.env.PARLEY_E2E_HUB_DIR}`,
      cwd: here,
      url: `http://127.0.0.1:${hubPort}/health`,
      timeout: 10_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      // A real OpenID Connect provider with a sign-in form of the tests' own (e2e/single-sign-on.spec.ts).
      command: `node --import tsx ../server/test/identity-provider.ts ${identityProviderPort} ${baseURL}/api/auth/oidc/callback ${baseURL}/sign-in`,
      cwd: here,
      url: `http://127.0.0.1:${identityProviderPort}/.well-known/openid-configuration`,
      timeout: 20_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'ignore',
    },
    {
      // The real server with its default embedded model, on a fresh data dir, serving the app just built.
      command:
        'npm run build && npm -w @parley/widget run build && node --conditions=@parley/source --import tsx ../server/src/cli.ts serve',
      cwd: here,
      url: `${baseURL}/health`,
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        PARLEY_HOST: '127.0.0.1',
        PARLEY_PORT: String(port),
        PARLEY_DATA_DIR: process.env.PARLEY_E2E_DATA_DIR,
        PARLEY_ADMIN_PASSWORD: 'correct-horse-battery-e2e',
        PARLEY_LOG_LEVEL: 'warn',
        // Each spec registers and signs in, and every reload refreshes: more than the default 20 a minute.
        PARLEY_AUTH_RATE_LIMIT: '1000',
        // e2e/long-history.spec.ts seeds 1,000 messages over the API in ~12 s: more than the default 30 a minute.
        PARLEY_USER_RATE_LIMIT: '5000',
        // e2e/widget.spec.ts starts a visitor's session in most of its tests, from one address: more than the default
        // 10 a minute.
        PARLEY_GUEST_SESSION_RATE_LIMIT: '1000',
        // e2e/notifications.spec.ts delivers webhooks to a receiver it runs on 127.0.0.1.
        PARLEY_WEBHOOKS_ALLOW_PRIVATE: 'true',
        // `local` (the embedded demo model) stays the default; `slow` is picked in the model picker where needed,
        // `fast` (the same fake, answering at once) seeds long conversations over the API, and `echo` answers with
        // the user's message (a reply in any Markdown a spec needs).
        PARLEY_MODELS: JSON.stringify([
          { id: 'local', provider: 'local', label: 'Built-in local model' },
          {
            id: 'slow',
            provider: 'openai-compatible',
            label: 'Slow fake',
            model: 'slow',
            base_url: `http://127.0.0.1:${slowModelPort}/v1`,
            api_key: 'e2e',
          },
          {
            id: 'fast',
            provider: 'openai-compatible',
            label: 'Fast fake',
            model: 'fast',
            base_url: `http://127.0.0.1:${slowModelPort}/v1`,
            api_key: 'e2e',
          },
          {
            id: 'echo',
            provider: 'openai-compatible',
            label: 'Echo fake',
            model: 'echo',
            base_url: `http://127.0.0.1:${slowModelPort}/v1`,
            api_key: 'e2e',
          },
          // Every call fails (500): the dashboard must single it out (e2e/dashboard.spec.ts).
          {
            id: 'broken',
            provider: 'openai-compatible',
            label: 'Broken fake',
            model: 'broken',
            base_url: `http://127.0.0.1:${slowModelPort}/v1`,
            api_key: 'e2e',
          },
        ]),
        PARLEY_DEFAULT_MODEL: 'local',
        PARLEY_PUBLIC_URL: baseURL,
        PARLEY_OIDC_ISSUER: `http://127.0.0.1:${identityProviderPort}`,
        PARLEY_OIDC_CLIENT_ID: 'parley-test',
        PARLEY_OIDC_CLIENT_SECRET: 'parley-test-secret-0123456789abcdef',
        PARLEY_OIDC_NAME: 'Company login',
        PARLEY_OIDC_SIGN_OUT: 'provider',
        // Operators → Models downloads from the stand-in hub, whose catalogue replaces the built-in one.
        PARLEY_MODEL_BASE_URL: `http://127.0.0.1:${hubPort}`,
        PARLEY_MODEL_CATALOGUE_FILE: path.join(process.env.PARLEY_E2E_HUB_DIR, 'catalogue.json'),
      },
    },
  ],
})
