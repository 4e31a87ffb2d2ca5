/**
 * The host is paused on the WebSocket's own send buffer as well as on unacknowledged output: a client
 * that acknowledges generously while its link is slow must not make the gateway buffer without bound.
 */
import { EventEmitter } from 'node:events';
import { encodeClientFrame, SUBPROTOCOL } from '@telgate/protocol';
import { startReplayHost } from '@telgate/test-peers';
import { afterEach, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { parseConfig } from '../config/load.js';
import { createLogger } from '../observability/logging.js';
import { createMetrics } from '../observability/metrics.js';
import { ResumableSessions } from '../sessions/resumable.js';
import type { SessionContext } from '../sessions/session.js';
import { TelnetSession } from './telnet-session.js';

/** A WebSocket whose send buffer only drains when the test says so. */
class SlowSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  readonly protocol = SUBPROTOCOL;
  bufferedAmount = 0;
  outputBytes = 0;
  private written: Array<() => void> = [];
  /** Inside an OUTPUT message sent as fragments (ws's `fin: false`): its header came first. */
  private inOutput = false;
  send(data: Uint8Array, options?: { fin?: boolean } | (() => void), done?: () => void): void {
    const callback = typeof options === 'function' ? options : done;
    const fin = typeof options === 'object' ? options.fin !== false : true;
    this.bufferedAmount += data.length;
    if (this.inOutput) this.outputBytes += data.length;
    else if (data[0] === 0x81) this.outputBytes += data.length - 1;
    this.inOutput = !fin && (this.inOutput || data[0] === 0x81);
    if (callback) this.written.push(callback);
  }
  drain(): void {
    this.bufferedAmount = 0;
    for (const done of this.written.splice(0)) done();
  }
  close(): void {
    this.readyState = 3;
  }
  /** Reading the client is paused and resumed like ws does; this double delivers only what the test says. */
  paused = false;
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  /** A client message, as ws delivers it. */
  receive(frame: Uint8Array): void {
    this.emit('message', Buffer.from(frame), true);
  }
}

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

const until = async (predicate: () => boolean) => {
  const deadline = Date.now() + 5000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

it('stops reading the host while the WebSocket send buffer is over the high-water mark', async () => {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const host = await startReplayHost({ bytes: chunk, repeat: 256, afterReplay: 'keep-open' });
  stops.push(() => host.stop());
  const config = parseConfig(`
targets: [{ id: t, host: 127.0.0.1, port: ${host.port}, protocol: raw }]
limits: { highWaterBytes: 262144, lowWaterBytes: 65536 }
`);
  const ws = new SlowSocket();
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
    resumable: new ResumableSessions(config.limits),
    outliveSocket: () => {},
    ended: () => {},
  };
  const session = new TelnetSession(ws as unknown as WebSocket, ctx);
  stops.push(async () => session.finish(undefined, 'test over'));
  session.start();

  // The client acknowledges everything at once, so only the send buffer can hold the host back.
  // (Output waiting for an acknowledgement is sent while the ACK is handled: counted for the next one.)
  const ackAll = () => {
    const n = ws.outputBytes;
    ws.outputBytes = 0;
    if (n > 0) ws.receive(encodeClientFrame({ type: 'ack', count: n }));
  };
  let delivered = 0;
  await until(() => {
    delivered += ws.outputBytes;
    ackAll();
    return ws.bufferedAmount >= 262144;
  });
  await new Promise((r) => setTimeout(r, 300));
  delivered += ws.outputBytes;
  ackAll();
  expect(ws.bufferedAmount, 'send buffer stops growing once over the mark').toBeLessThan(
    262144 + 2 * 64 * 1024,
  );

  ws.drain();
  await until(() => {
    delivered += ws.outputBytes;
    ackAll();
    if (ws.bufferedAmount >= 65536) ws.drain();
    return delivered === chunk.length * 256;
  });
});
