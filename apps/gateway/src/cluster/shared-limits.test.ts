import { findFreePort, type ServerProcess, startRedisServer } from '@telgate/test-peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisConfig } from '../config/types.js';
import { GatewayError } from '../errors.js';
import { createLogger } from '../observability/logging.js';
import { sleep } from '../testing/wait.js';
import { SharedLimits } from './shared-limits.js';

const LIMITS = { maxSessionsPerIp: 2, connectAttemptsPerMinutePerIp: 100 };
const log = createLogger('silent');
let redis: ServerProcess;
const open: SharedLimits[] = [];

function gateway(id: string, overrides: Partial<RedisConfig> = {}, port = redis.port): SharedLimits {
  const limits = new SharedLimits({
    redis: {
      url: `redis://127.0.0.1:${port}`,
      keyPrefix: 'test:',
      commandTimeoutMs: 300,
      whenUnavailable: 'local',
      leaseSeconds: 30,
      ...overrides,
    },
    gatewayId: id,
    log,
  });
  open.push(limits);
  return limits;
}

async function ready(...limits: SharedLimits[]): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!limits.every((l) => l.reachable)) {
    if (Date.now() > deadline) throw new Error('Redis did not become reachable');
    await sleep(20);
  }
}

const session = (sessionId: string, clientKey = '192.0.2.1') => ({
  sessionId,
  clientKey,
  targetId: 'lab',
  user: 'ann',
});

async function refusal(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  redis = await startRedisServer();
});

afterAll(async () => {
  for (const limits of open) await limits.close();
  await redis?.stop();
});

describe('SharedLimits with Debian redis-server', () => {
  it('holds the per-client limit across gateways, and frees a place when a session ends', async () => {
    const a = gateway('a', { keyPrefix: 'one:' });
    const b = gateway('b', { keyPrefix: 'one:' });
    await ready(a, b);
    expect(await a.admit(session('s1'), LIMITS)).toBe('shared');
    expect(await b.admit(session('s2'), LIMITS)).toBe('shared');
    const error = await refusal(a.admit(session('s3'), LIMITS));
    expect(error.code).toBe('GW_ERR_OVERLOADED');
    expect(error.message).toMatch(/2 sessions across the gateways/);
    // Another client is counted apart.
    expect(await a.admit(session('s4', '192.0.2.2'), LIMITS)).toBe('shared');
    expect((await a.directory()).map((entry) => [entry.sessionId, entry.gateway]).sort()).toEqual([
      ['s1', 'a'],
      ['s2', 'b'],
      ['s4', 'a'],
    ]);
    b.release(session('s2'));
    await sleep(100);
    expect(await a.admit(session('s5'), LIMITS)).toBe('shared');
  });

  it('counts session starts per client per minute across gateways', async () => {
    const a = gateway('a', { keyPrefix: 'two:' });
    const b = gateway('b', { keyPrefix: 'two:' });
    await ready(a, b);
    const limits = { maxSessionsPerIp: 100, connectAttemptsPerMinutePerIp: 3 };
    await a.admit(session('s1'), limits);
    await b.admit(session('s2'), limits);
    await a.admit(session('s3'), limits);
    const error = await refusal(b.admit(session('s4'), limits));
    expect(error.code).toBe('GW_ERR_OVERLOADED');
    expect(error.message).toMatch(/started 4 sessions this minute/);
  });

  it('lets the entries of a gateway that died expire with their lease, and renews those of one alive', async () => {
    const dead = gateway('dead', { keyPrefix: 'three:', leaseSeconds: 3 });
    const alive = gateway('alive', { keyPrefix: 'three:', leaseSeconds: 3 });
    await ready(dead, alive);
    await dead.admit(session('d1'), LIMITS);
    await alive.admit(session('a1'), LIMITS);
    // The dead one stops renewing (and never releases); the living one renews every second.
    await dead.close();
    const deadline = Date.now() + 10_000;
    while ((await alive.directory()).some((entry) => entry.gateway === 'dead')) {
      if (Date.now() > deadline) throw new Error('the dead gateway’s entries did not expire');
      await alive.renew([{ ...session('a1'), detached: true }]);
      await sleep(1000);
    }
    expect(await alive.directory()).toEqual([
      {
        sessionId: 'a1',
        gateway: 'alive',
        target: 'lab',
        user: 'ann',
        client: '192.0.2.1',
        state: 'detached',
      },
    ]);
    expect(await alive.admit(session('a2'), LIMITS)).toBe('shared');
  });

  it('with Redis unreachable, admits under local limits or refuses, as configured, without waiting', async () => {
    const nowhere = await findFreePort();
    const local = gateway('l', {}, nowhere);
    const refuse = gateway('r', { whenUnavailable: 'refuse' }, nowhere);
    expect(await local.admit(session('s1'), LIMITS)).toBe('local');
    const error = await refusal(refuse.admit(session('s2'), LIMITS));
    expect(error.code).toBe('GW_ERR_LIMITS_OFFLINE');
  });

  it('gives up on a Redis that stopped answering after commandTimeoutMs, and uses it again once it answers', async () => {
    const a = gateway('a', { keyPrefix: 'four:', whenUnavailable: 'refuse' });
    await ready(a);
    process.kill(redis.pid, 'SIGSTOP');
    try {
      const error = await refusal(a.admit(session('s1'), LIMITS));
      expect(error.code).toBe('GW_ERR_LIMITS_OFFLINE');
      expect(error.message).toMatch(/timed out/i);
    } finally {
      process.kill(redis.pid, 'SIGCONT');
    }
    await ready(a);
    const deadline = Date.now() + 5000;
    for (;;) {
      const outcome = await a.admit(session('s2'), LIMITS).catch((error: unknown) => error);
      if (outcome === 'shared') break;
      if (Date.now() > deadline) throw new Error(`Redis was not used again: ${String(outcome)}`);
      await sleep(100);
    }
  });
});
