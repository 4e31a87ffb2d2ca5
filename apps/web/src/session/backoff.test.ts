import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, ReconnectPlanner } from './backoff';

const noJitter = () => 0;

describe('backoffDelay', () => {
  it('doubles from one second up to a minute', () => {
    const delays = Array.from({ length: 9 }, (_, attempt) =>
      backoffDelay(attempt, DEFAULT_BACKOFF, noJitter),
    );
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('takes off at most the jitter fraction', () => {
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.999_999)).toBe(6_400);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.5)).toBe(7_200);
  });

  it('stays finite for absurd attempt counts', () => {
    expect(backoffDelay(10_000, DEFAULT_BACKOFF, noJitter)).toBe(60_000);
    expect(backoffDelay(-3, DEFAULT_BACKOFF, noJitter)).toBe(1_000);
  });
});

describe('ReconnectPlanner', () => {
  it('backs off while sessions keep failing, including ones that drop right after connecting', () => {
    const planner = new ReconnectPlanner(DEFAULT_BACKOFF, noJitter);
    expect(planner.ended(0)).toBe(1_000);
    expect(planner.ended(1_000)).toBe(2_000);
    planner.connected(3_000);
    expect(planner.ended(3_500)).toBe(4_000);
    expect(planner.attempts).toBe(3);
  });

  it('starts over after a session that stayed up', () => {
    const planner = new ReconnectPlanner(DEFAULT_BACKOFF, noJitter);
    planner.ended(0);
    planner.ended(1_000);
    planner.connected(10_000);
    expect(planner.ended(10_000 + DEFAULT_BACKOFF.stableAfterMs)).toBe(1_000);
  });
});
