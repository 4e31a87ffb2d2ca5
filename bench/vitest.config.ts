import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../vitest.shared.js';

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'bench',
    include: ['src/**/*.test.ts'],
    // The smoke run starts a gateway, hosts, clients and Chromium on a two-core machine shared with the
    // other test projects.
    testTimeout: 240_000,
    hookTimeout: 60_000,
  },
});
