import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'test-peers',
    include: ['src/**/*.test.ts'],
    // These tests start real servers and processes; a loaded two-core machine can make that slow.
    testTimeout: 20_000,
  },
});
