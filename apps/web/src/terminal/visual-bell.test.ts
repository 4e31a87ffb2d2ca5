import { describe, expect, it } from 'vitest';
import { BELL_MIN_INTERVAL_MS, BELL_SHOW_MS, VisualBell } from './visual-bell';

function setup(reducedMotion = false) {
  const element = { dataset: {} as DOMStringMap };
  let now = 10_000;
  const timers: { run: () => void; ms: number; cleared: boolean }[] = [];
  const bell = new VisualBell(element, {
    reducedMotion: () => reducedMotion,
    now: () => now,
    setTimer: (run, ms) => {
      const timer = { run, ms, cleared: false };
      timers.push(timer);
      return timer;
    },
    clearTimer: (timer) => {
      if (timer) (timer as { cleared: boolean }).cleared = true;
    },
  });
  const fire = () => {
    for (const timer of timers.splice(0)) if (!timer.cleared) timer.run();
  };
  return { element, bell, timers, fire, advance: (ms: number) => (now += ms) };
}

describe('VisualBell', () => {
  it('flashes the terminal for a moment', () => {
    const { element, bell, timers, fire } = setup();
    expect(bell.ring()).toBe(true);
    expect(element.dataset.bell).toBe('flash');
    expect(timers.map((t) => t.ms)).toEqual([BELL_SHOW_MS]);
    fire();
    expect(element.dataset.bell).toBeUndefined();
  });

  it('shows an outline instead of a flash when the user prefers reduced motion', () => {
    const { element, bell } = setup(true);
    bell.ring();
    expect(element.dataset.bell).toBe('outline');
  });

  it('shows at most once a second, however often the host rings', () => {
    const { element, bell, fire, advance } = setup();
    expect(bell.ring()).toBe(true);
    fire();
    advance(BELL_MIN_INTERVAL_MS - 1);
    expect(bell.ring()).toBe(false);
    expect(element.dataset.bell).toBeUndefined();
    advance(1);
    expect(bell.ring()).toBe(true);
    expect(element.dataset.bell).toBe('flash');
  });

  it('clears the bell when disposed', () => {
    const { element, bell, timers } = setup();
    bell.ring();
    bell.dispose();
    expect(element.dataset.bell).toBeUndefined();
    expect(timers[0]!.cleared).toBe(true);
  });
});
