import { describe, expect, it, vi } from 'vitest';
import { TraceLog } from './trace-log';

describe('TraceLog', () => {
  it('keeps copies of the bytes, in order, and notifies subscribers', () => {
    const log = new TraceLog();
    const listener = vi.fn();
    log.subscribe(listener);
    const bytes = Uint8Array.of(255, 253, 31);
    log.append(1, 'in', bytes);
    bytes[2] = 0; // the WebSocket message buffer being reused must not change the trace
    log.append(2, 'out', Uint8Array.of(255, 251, 31));
    expect(log.entries().map((e) => [e.seq, e.at, e.direction, [...e.bytes]])).toEqual([
      [1, 1, 'in', [255, 253, 31]],
      [2, 2, 'out', [255, 251, 31]],
    ]);
    expect(listener).toHaveBeenCalledTimes(2);
    expect(log.version).toBe(2);
  });

  it('gives a new entries array after each change, and the same one otherwise', () => {
    const log = new TraceLog();
    log.append(1, 'in', Uint8Array.of(255, 241));
    const first = log.entries();
    expect(log.entries()).toBe(first);
    log.append(2, 'in', Uint8Array.of(255, 241));
    const second = log.entries();
    expect(second).not.toBe(first);
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(2);
  });

  it('keeps only the newest entries', () => {
    const log = new TraceLog(4);
    for (let i = 0; i < 23; i++) log.append(i, 'in', Uint8Array.of(255, 241));
    expect(log.entries().map((e) => e.at)).toEqual([19, 20, 21, 22]);
  });

  it('clears, and stops notifying after unsubscribe', () => {
    const log = new TraceLog();
    const listener = vi.fn();
    const unsubscribe = log.subscribe(listener);
    log.append(1, 'in', Uint8Array.of(255, 241));
    unsubscribe();
    log.clear();
    expect(log.entries()).toEqual([]);
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
