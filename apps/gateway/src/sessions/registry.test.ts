import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors.js';
import { clientKey, type SessionInfo, SessionRegistry } from './registry.js';

function session(sessionId: string, clientIp: string, closed: string[] = []): SessionInfo {
  return {
    sessionId,
    clientIp,
    targetId: 'demo',
    user: undefined,
    shutDown: () => closed.push(`${sessionId} shut down`),
    terminate: () => closed.push(`${sessionId} terminated`),
  };
}

function overloaded(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('GW_ERR_OVERLOADED');
    return (error as GatewayError).message;
  }
  throw new Error('expected GW_ERR_OVERLOADED');
}

describe('clientKey', () => {
  it('counts IPv4 clients by address and IPv6 clients by /64', () => {
    expect(clientKey('192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2:bbbb::9')).toBe('2001:db8:1:2::/64');
    expect(clientKey('not an address')).toBe('not an address');
  });
});

describe('SessionRegistry', () => {
  it('counts sessions in total and per client, and reports the count', () => {
    const counts: number[] = [];
    const registry = new SessionRegistry({ maxSessions: 10, maxSessionsPerIp: 2 }, (n) => counts.push(n));
    registry.register(session('a', '192.0.2.1'));
    registry.register(session('b', '::ffff:192.0.2.1'));
    registry.register(session('c', '2001:db8::1'));
    expect(registry.openSessions).toBe(3);
    // The IPv4 client and its IPv4-mapped form are one client, at its limit of 2.
    overloaded(() => registry.register(session('d', '192.0.2.1')));
    registry.unregister('a');
    registry.unregister('a');
    registry.unregister('never');
    // One of its sessions ended (once, however often it is unregistered): one more fits, then no more.
    registry.register(session('d', '192.0.2.1'));
    overloaded(() => registry.register(session('e', '192.0.2.1')));
    expect(registry.list().map((s) => s.sessionId)).toEqual(['b', 'c', 'd']);
    expect(counts).toEqual([1, 2, 3, 2, 3]);
  });

  it('refuses a session over the total limit', () => {
    const registry = new SessionRegistry({ maxSessions: 2, maxSessionsPerIp: 2 });
    registry.register(session('a', '192.0.2.1'));
    registry.register(session('b', '192.0.2.2'));
    expect(overloaded(() => registry.register(session('c', '192.0.2.3')))).toBe(
      'the gateway has 2 sessions, its limit',
    );
    registry.unregister('a');
    registry.register(session('c', '192.0.2.3'));
    expect(registry.openSessions).toBe(2);
  });

  it('refuses a session over the per-client limit, other clients unaffected', () => {
    const registry = new SessionRegistry({ maxSessions: 10, maxSessionsPerIp: 1 });
    registry.register(session('a', '2001:db8::1'));
    expect(overloaded(() => registry.register(session('b', '2001:db8::2')))).toBe(
      '2001:db8::/64 has 1 sessions, the per-client limit',
    );
    registry.register(session('c', '2001:db8:0:1::1'));
    expect(registry.openSessions).toBe(2);
  });

  it('refuses a duplicate id', () => {
    const registry = new SessionRegistry({ maxSessions: 10, maxSessionsPerIp: 10 });
    registry.register(session('a', '192.0.2.1'));
    expect(() => registry.register(session('a', '192.0.2.1'))).toThrow('already registered');
  });

  it('asks every session to shut down, then terminates those still open', () => {
    const closed: string[] = [];
    const registry = new SessionRegistry({ maxSessions: 10, maxSessionsPerIp: 10 });
    registry.register(session('a', '192.0.2.1', closed));
    registry.register(session('b', '192.0.2.2', closed));
    registry.shutDownAll();
    expect(closed).toEqual(['a shut down', 'b shut down']);
    registry.unregister('a');
    registry.terminateAll();
    expect(closed).toEqual(['a shut down', 'b shut down', 'b terminated']);
  });

  it('registers no session once shutting down', () => {
    const registry = new SessionRegistry({ maxSessions: 10, maxSessionsPerIp: 10 });
    registry.shutDownAll();
    expect(() => registry.register(session('a', '192.0.2.1'))).toThrow(
      expect.objectContaining({ code: 'GW_ERR_SHUTDOWN' }),
    );
    expect(registry.openSessions).toBe(0);
  });
});
