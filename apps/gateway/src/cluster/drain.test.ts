import type { Notice } from '@telgate/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readCommandLine } from '../config/cli.js';
import { parseConfig } from '../config/load.js';
import { buildTestApp } from '../testing/gateway.js';
import { DRAIN_NOTICE_CODE, Drain, sayDuration } from './drain.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('Drain', () => {
  it('says durations as people do', () => {
    expect(sayDuration(1000)).toBe('1 second');
    expect(sayDuration(45_000)).toBe('45 seconds');
    expect(sayDuration(5 * 60_000)).toBe('5 minutes');
    expect(sayDuration(3 * 3600_000)).toBe('3 hours');
  });

  it('warns every session when it starts and again a minute before the deadline, and on request', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1, 12, 0, 0) });
    const drain = new Drain(true);
    const received: Notice[] = [];
    const stop = drain.subscribe((notice) => received.push(notice));
    expect(drain.current()).toBeUndefined();
    drain.start(5 * 60_000);
    expect(drain.draining).toBe(true);
    expect(drain.deadline?.toISOString()).toBe('2026-01-01T12:05:00.000Z');
    expect(received).toEqual([
      {
        kind: 'warning',
        code: DRAIN_NOTICE_CODE,
        message: expect.stringMatching(/ends in 5 minutes \(at 12:05 UTC\).*new session on another gateway/),
      },
    ]);
    const alone = new Drain(false);
    alone.start(60_000);
    expect(alone.current()).toMatchObject({
      message: expect.stringMatching(/connect again once the gateway is back/),
    });
    alone.stop();
    vi.advanceTimersByTime(4 * 60_000);
    expect(received).toHaveLength(2);
    expect(received[1]).toMatchObject({ message: expect.stringMatching(/ends in 60 seconds/) });
    // A session resumed later is told how long is left.
    vi.advanceTimersByTime(30_000);
    expect(drain.current()).toMatchObject({ message: expect.stringMatching(/ends in 30 seconds/) });
    stop();
    drain.start(1000);
    expect(drain.deadline?.toISOString()).toBe('2026-01-01T12:05:00.000Z');
    expect(received).toHaveLength(2);
  });
});

describe('Drain.bringForward', () => {
  it('starts a drain, moves its deadline only sooner, and warns with the new time', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1, 12, 0, 0) });
    const drain = new Drain(true);
    const received: Notice[] = [];
    drain.subscribe((notice) => received.push(notice));
    expect(drain.bringForward(10 * 60_000)).toBe(true);
    expect(drain.deadline?.toISOString()).toBe('2026-01-01T12:10:00.000Z');
    expect(drain.bringForward(20 * 60_000)).toBe(false);
    expect(drain.deadline?.toISOString()).toBe('2026-01-01T12:10:00.000Z');
    expect(received).toHaveLength(1);
    expect(drain.bringForward(2 * 60_000)).toBe(true);
    expect(drain.deadline?.toISOString()).toBe('2026-01-01T12:02:00.000Z');
    expect(received[1]).toMatchObject({
      message: expect.stringMatching(/ends in 2 minutes \(at 12:02 UTC\)/),
    });
    // The reminder follows the new deadline: a minute before it, not nine minutes after the start.
    vi.advanceTimersByTime(60_000);
    expect(received).toHaveLength(3);
    expect(received[2]).toMatchObject({ message: expect.stringMatching(/ends in 60 seconds/) });
    vi.advanceTimersByTime(10 * 60_000);
    expect(received).toHaveLength(3);
    drain.stop();
  });
});

describe('cluster configuration', () => {
  it('is off by default: no gateway id, no Redis, SIGTERM stops at once', () => {
    expect(parseConfig('').cluster).toEqual({ drainSeconds: 0 });
  });

  it('fills in the Redis defaults and needs a gateway id with Redis', () => {
    const config = parseConfig('cluster: { gatewayId: gw-1, redis: { url: "redis://127.0.0.1:6379" } }');
    expect(config.cluster).toEqual({
      gatewayId: 'gw-1',
      redis: {
        url: 'redis://127.0.0.1:6379',
        keyPrefix: 'telgate:',
        commandTimeoutMs: 500,
        whenUnavailable: 'local',
        leaseSeconds: 30,
      },
      drainSeconds: 0,
    });
    expect(() => parseConfig('cluster: { redis: { url: "redis://h" } }')).toThrow(/cluster\.gatewayId/);
    expect(() => parseConfig('cluster: { gatewayId: "Gw_1" }')).toThrow(/gatewayId/);
    expect(() => parseConfig('cluster: { gatewayId: a, redis: { url: "http://h" } }')).toThrow(/url/);
  });

  it('takes the gateway id and the Redis URL from the environment', () => {
    const commandLine = readCommandLine([], {
      TELGATE_GATEWAY_ID: 'gw-2',
      TELGATE_REDIS_URL: 'redis://127.0.0.1:6380',
    });
    const config = parseConfig('', { overrides: commandLine.overrides });
    expect(config.cluster.gatewayId).toBe('gw-2');
    expect(config.cluster.redis?.url).toBe('redis://127.0.0.1:6380');
  });
});

describe('a draining gateway', () => {
  it('answers /healthz with 503 draining, and among several sends new sessions away before the upgrade', async () => {
    const app = await buildTestApp('cluster: { gatewayId: gw-1, drainSeconds: 60 }');
    try {
      expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok', sessions: 0, gateway: 'gw-1' });
      app.telgate.sessions.stopAdmitting();
      app.telgate.cluster.drain.start(60_000);
      const health = await app.inject('/healthz');
      expect(health.statusCode).toBe(503);
      expect(health.json()).toMatchObject({ status: 'draining', sessions: 0, gateway: 'gw-1' });
      const upgrade = { connection: 'upgrade', upgrade: 'websocket', 'sec-websocket-version': '13' };
      const elsewhere = await app.inject({ url: '/ws?target=demo', headers: upgrade });
      expect(elsewhere.statusCode).toBe(503);
      expect(elsewhere.headers['retry-after']).toBe('1');
      // A resume meant for this gateway still reaches the WebSocket route.
      const own = await app.inject({ url: '/ws?target=demo&gw=gw-1', headers: upgrade });
      expect(own.statusCode).not.toBe(503);
    } finally {
      app.telgate.cluster.drain.stop();
      await app.close();
    }
  });
});
