import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const processEnv = {
  selector: "MemberExpression[object.name='process'][property.name='env']",
  message: 'Read configuration in apps/server/src/config.ts and pass it down.',
}

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/coverage/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // CommonJS on purpose: a `--require` preload runs before the ES module loader starts any thread.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Migrations are frozen in time and must not depend on today's table types (Kysely's own advice).
    files: ['apps/server/src/db/migrations/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The protocol package is the shared contract: it depends on zod alone.
    files: ['packages/protocol/**/*.ts'],
    ignores: ['packages/protocol/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!zod$|\\.{1,2}/)', message: 'protocol may import only zod.' }] },
      ],
    },
  },
  {
    // Modules talk through services; another module's tables and queries are private to it.
    files: ['apps/server/src/modules/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../*/*.repo.ts', '../*/*.table.ts'], message: "Use the other module's service." }] },
      ],
    },
  },
  {
    files: ['apps/server/src/**/*.ts'],
    ignores: ['apps/server/src/config.ts', 'apps/server/src/cli.ts', 'apps/server/src/**/*.test.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-syntax': ['error', processEnv],
    },
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/apps/server/**', '@parley/server'],
              message: 'The web app talks to the server only through @parley/protocol.',
            },
          ],
        },
      ],
      'no-restricted-syntax': ['error', processEnv],
    },
  },
  {
    // The widget runs on other people's pages: browser globals, and only types from the protocol package.
    files: ['apps/widget/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/apps/server/**', '@parley/server', '**/apps/web/**', '@parley/web'],
              message: 'The widget talks to the server only through @parley/protocol types.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // The e2e runner's config hands the chosen port and data dir to its workers through the environment.
    files: ['apps/web/playwright.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
)
