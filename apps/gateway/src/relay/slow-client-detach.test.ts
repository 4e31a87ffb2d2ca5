/**
 * A telgate.v2 browser that stops reading is dropped, not its session: the session detaches and the host
 * is read on, into the screen state, until a new socket resumes it.
 */
import { EventEmitter } from 'node:events';
import { SUBPROTOCOL_V2 } from '@telgate/protocol';
import { startScriptedHost } from '@telgate/test-peers';
import { afterEach, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { parseConfig } from '../config/load.js';
import { createLogger } from '../observability/logging.js';
import { createMetrics } from '../observability/metrics.js';
import { ResumableSessions } from '../sessions/resumable.js';
import type { SessionContext } from '../sessions/session.js';
import { TelnetSession } from './telnet-session.js';

/** A v2 WebSocket that never takes what is sent to it. */
class StuckSocket extends EventEmitter {
  readonly OPEN = 1;
  readonly CLOSED = 3;
  readyState = 1;
  readonly protocol = SUBPROTOCOL_V2;
  bufferedAmount = 0;
  terminated = false;
  send(data: Uint8Array): void {
    this.bufferedAmount += data.length;
  }
  close(): void {
    this.readyState = 3;
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
    this.emit('close', 1006, Buffer.alloc(0));
  }
  pause(): void {}
  resume(): void {}
}

const stops: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

const until = async (predicate: () => boolean, what: string) => {
  const deadline = Date.now() + 5000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`waited for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

it('a v2 browser that stops reading is dropped and its session detached; the host is read on', async () => {
  const host = await startScriptedHost(() => {});
  stops.push(() => host.stop());
  const config = parseConfig(`
targets: [{ id: t, host: 127.0.0.1, port: ${host.port}, negotiation: passive }]
limits: { highWaterBytes: 4096, lowWaterBytes: 1024, slowClientTimeoutMs: 100 }
`);
  const ws = new StuckSocket();
  const ended: Array<number | undefined> = [];
  const resumable = new ResumableSessions(config.limits);
  const ctx: SessionContext = {
    sessionId: 's1',
    target: config.targets[0]!,
    freeForm: false,
    address: { address: '127.0.0.1', family: 4, port: host.port },
    user: undefined,
    clientIp: '127.0.0.1',
    origin: undefined,
    log: createLogger('silent'),
    limits: config.limits,
    metrics: createMetrics({ processMetrics: false }),
    signal: new AbortController().signal,
    shutdown: new AbortController().signal,
    reportEnding: () => {},
    resumable,
    outliveSocket: () => {},
    ended: (code) => ended.push(code),
  };
  const session = new TelnetSession(ws as unknown as WebSocket, ctx);
  stops.push(() => session.finish(undefined, 'test over'));
  session.start();
  const conn = await host.nextConnection();
  // More than the high-water mark, never taken by the socket.
  await conn.write('x'.repeat(8192));
  await until(() => ws.terminated, 'the stuck socket to be dropped');
  expect(session.attached).toBe(false);
  expect(session.ended).toBe(false);
  expect(resumable.detachedCount).toBe(1);
  // Detached, the host is not held back: what it prints goes into the screen state.
  const before = session.screenBytes();
  await conn.write(`${'y'.repeat(40_000)}\r\n`);
  await until(() => session.screenBytes() > before, 'the host to be read while detached');
  expect(session.stats().hostPaused).toBe(false);
  expect(ended).toEqual([]);
});
