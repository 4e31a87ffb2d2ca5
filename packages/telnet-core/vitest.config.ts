import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'telnet-core',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Property, exhaustive and fuzz suites are CPU-bound; the default 5 s is too tight on a busy machine.
    testTimeout: 120_000,
  },
});
