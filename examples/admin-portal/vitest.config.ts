import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'admin-portal',
    include: ['src/**/*.test.ts'],
  },
});
