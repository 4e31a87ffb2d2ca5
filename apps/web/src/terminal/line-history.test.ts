import { describe, expect, it } from 'vitest';
import { LineHistory } from './line-history';

describe('LineHistory', () => {
  it('walks back with Up and forward with Down, giving the typed draft back at the end', () => {
    const history = new LineHistory();
    history.add('look');
    history.add('north');
    expect(history.previous('sa')).toBe('north');
    expect(history.previous('ignored')).toBe('look');
    expect(history.previous('ignored')).toBeUndefined();
    expect(history.next()).toBe('north');
    expect(history.next()).toBe('sa');
    expect(history.next()).toBeUndefined();
  });

  it('keeps no empty lines and no line twice in a row', () => {
    const history = new LineHistory();
    for (const line of ['look', 'look', '', 'north', 'look', 'look']) history.add(line);
    expect(history.entries).toEqual(['look', 'north', 'look']);
  });

  it('starts again from the newest after a line is sent', () => {
    const history = new LineHistory(['a', 'b', 'c']);
    history.previous('');
    history.previous('');
    history.add('d');
    expect(history.previous('')).toBe('d');
  });

  it('tells its listener about each line added, not about repeats', () => {
    const seen: string[][] = [];
    const history = new LineHistory([], 10, (entries) => seen.push([...entries]));
    history.add('look');
    history.add('look');
    history.add('');
    history.add('north');
    expect(seen).toEqual([['look'], ['look', 'north']]);
  });

  it('is bounded: the oldest lines go first', () => {
    const history = new LineHistory(['x', 'y', 'z'], 3);
    history.add('w');
    expect(history.entries).toEqual(['y', 'z', 'w']);
    const big = new LineHistory();
    for (let k = 0; k < 600; k++) big.add(`line ${k}`);
    expect(big.entries).toHaveLength(500);
    expect(big.entries[0]).toBe('line 100');
  });
});
