import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'telnet-core',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
