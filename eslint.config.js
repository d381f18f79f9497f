import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'
import reactHooks from 'eslint-plugin-react-hooks'

// Import walls (ARCHITECTURE §3, STYLE §4.6): one entry per layer, because a later flat-config block
// replaces a rule's options instead of merging them.
const layers = {
  'node (core, web host, command line, simulator)': {
    files: ['src/main/core/**', 'src/main/web/**', 'src/cli/**', 'src/sim/**'],
    banned: ['electron', 'electron/*', '**/renderer/**', '**/main/electron/**'],
  },
  'browser (shared, renderer)': {
    files: ['src/shared/**', 'src/renderer/**'],
    banned: ['electron', 'electron/*', 'node:*', '**/main/**', '**/sim/**', '**/preload/**'],
  },
  'preload': {
    files: ['src/preload/**'],
    banned: ['node:*', '**/main/**', '**/renderer/**', '**/sim/**'],
  },
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // One owner of run state: only the ledger opens the runs table (tests may read it to check it).
    files: ['src/**', 'bench/**'],
    ignores: ['src/main/core/runs/run-ledger.ts', '**/*.test.ts', '**/*.test.tsx'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='RunsRepo']", message: 'runs are written by the RunLedger alone (src/main/core/runs/run-ledger.ts)' },
      ],
    },
  },
  ...Object.entries(layers).map(([name, { files, banned }]) => ({
    files,
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: banned, message: `${name} layer: see STYLE.md §3` }] }],
    },
  })),
)
