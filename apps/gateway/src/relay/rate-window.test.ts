import { describe, expect, it } from 'vitest';
import { RateWindow } from './rate-window.js';

describe('RateWindow', () => {
  it('allows max events per window and refuses the rest', () => {
    let now = 0;
    const window = new RateWindow(3, 1000, () => now);
    expect([1, 2, 3, 4, 5].map(() => window.take())).toEqual([true, true, true, false, false]);
    now = 999;
    expect(window.take()).toBe(false);
  });

  it('starts counting again in each window on its own clock', () => {
    let now = 0;
    const window = new RateWindow(2, 1000, () => now);
    const allowed: number[] = [];
    for (let second = 0; second < 3; second++) {
      now = second * 1000 + 10;
      let n = 0;
      for (let k = 0; k < 10; k++) if (window.take()) n++;
      allowed.push(n);
    }
    expect(allowed).toEqual([2, 2, 2]);
    expect(window.used).toBe(10);
    now = 5000;
    expect(window.used).toBe(0);
  });

  it('counts several events at once', () => {
    const window = new RateWindow(10, 1000, () => 0);
    expect(window.take(10)).toBe(true);
    expect(window.take(1)).toBe(false);
  });
});
