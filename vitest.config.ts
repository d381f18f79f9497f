import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'

const alias = { '@shared': resolve(import.meta.dirname, 'src/shared') }

export default defineConfig({
  resolve: { alias },
  test: {
    // Every core: the default leaves one idle, which on a 2-core CI machine runs the files one at a time.
    maxWorkers: '100%',
    projects: [
      {
        resolve: { alias: { ...alias, electron: resolve(import.meta.dirname, 'test/support/electron-forbidden.ts') } },
        test: {
          name: 'node',
          environment: 'node',
          include: ['src/main/**/*.test.ts', 'src/cli/**/*.test.ts', 'src/preload/**/*.test.ts', 'src/shared/**/*.test.ts', 'src/sim/**/*.test.ts', 'test/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'dom',
          environment: 'jsdom',
          include: ['src/renderer/**/*.test.{ts,tsx}'],
          // A whole form typed into with user-event takes 1–2 s of jsdom; on a 2-core machine running the
          // node project beside it, that can pass 5 s. A limit, not a speed target (speed lives in the bench).
          testTimeout: 20_000,
        },
      },
    ],
  },
})
