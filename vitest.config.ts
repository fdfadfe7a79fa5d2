import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests beside the code (*.test.ts) and integration tests that use
// real SQLite files, PostgreSQL, child processes or Chromium (*.int.test.ts).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'eval/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', 'node_modules/**', 'dist/**'],
          setupFiles: ['./src/test-setup.ts'],
        },
      },
      {
        test: {
          name: 'int',
          include: ['src/**/*.int.test.ts', 'eval/**/*.int.test.ts'],
          exclude: ['node_modules/**', 'dist/**'],
          setupFiles: ['./src/test-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
