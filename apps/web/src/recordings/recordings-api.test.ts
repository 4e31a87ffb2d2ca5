import { describe, expect, it } from 'vitest';
import { searchQuery } from './recordings-api';

describe('searchQuery', () => {
  it('leaves out empty fields and turns local times into ISO 8601 instants', () => {
    expect(searchQuery({})).toBe('');
    expect(searchQuery({ text: '  needle ', target: '', user: 'alice' })).toBe('user=alice&text=needle');
    const from = '2026-01-02T03:04';
    expect(new URLSearchParams(searchQuery({ from })).get('from')).toBe(new Date(from).toISOString());
    expect(searchQuery({ to: 'not a time' })).toBe('');
  });
});
