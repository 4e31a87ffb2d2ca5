import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'supdup',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Property and fuzz suites are CPU-bound; the default 5 s is too tight on a busy two-core machine.
    testTimeout: 120_000,
  },
});
