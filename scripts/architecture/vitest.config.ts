import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'architecture',
    include: ['*.test.ts'],
    // Reads and parses every source of the workspace, on a machine other test projects share.
    testTimeout: 60_000,
  },
});
