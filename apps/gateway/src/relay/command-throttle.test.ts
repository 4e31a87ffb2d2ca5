import { describe, expect, it } from 'vitest';
import { CommandThrottle } from './command-throttle.js';

function throttle(perTick: number, perSecond: number) {
  const calls: string[] = [];
  const t = new CommandThrottle({
    perTick,
    perSecond,
    hold: () => calls.push('hold'),
    release: () => calls.push('release'),
  });
  return { t, calls };
}

describe('CommandThrottle', () => {
  it('lets a host with few commands read on', () => {
    const { t, calls } = throttle(100, 10_000);
    for (let k = 0; k < 99; k++) t.count();
    t.afterChunk();
    expect(calls).toEqual([]);
  });

  it('holds a host for one turn after a chunk full of commands, then reads it again', async () => {
    const { t, calls } = throttle(100, 10_000);
    for (let k = 0; k < 150; k++) t.count();
    t.afterChunk();
    expect(t.throttled).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual(['hold', 'release']);
    expect(t.throttled).toBe(false);
    t.dispose();
  });

  it('holds a host past its per-second budget until the second is over', async () => {
    const { t, calls } = throttle(1_000_000, 100);
    for (let k = 0; k < 101; k++) t.count();
    t.afterChunk();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual(['hold']);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(calls).toEqual(['hold', 'release']);
    t.dispose();
  });

  it('releases nothing once disposed', async () => {
    const { t, calls } = throttle(1, 10_000);
    t.count();
    t.afterChunk();
    t.dispose();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual(['hold']);
  });
});
