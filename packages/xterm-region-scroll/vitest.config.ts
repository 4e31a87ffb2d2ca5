import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'xterm-region-scroll',
    include: ['src/**/*.test.ts'],
  },
});
