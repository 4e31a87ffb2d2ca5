/**
 * Every queue of a session is bounded: a browser that sends frames but never reads the replies, and a
 * paste into a host that stopped reading, pause the side that produces the bytes instead of buffering.
 */
import { createHash } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import {
  closeCodeFor,
  decodeServerFrame,
  encodeClientFrame,
  type GatewayErrorCode,
  SUBPROTOCOL,
} from '@telgate/protocol';
import { startScriptedHost } from '@telgate/test-peers';
import type { FastifyInstance } from 'fastify';
import { afterEach, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { buildTestApp } from '../testing/gateway.js';
import { TerminalClient } from '../testing/terminal-client.js';
import { sleep, until } from '../testing/wait.js';
import { createTelnetRelay, type TelnetSession } from './index.js';

const MiB = 1024 * 1024;
const HIGH_WATER = 64 * 1024;
const PASTE_MIB = Number(process.env.TELGATE_PASTE_MIB ?? 100);
/**
 * Heap growth allowed while a session is held at its caps: generous (other tests, the JIT and the
 * test's own bookkeeping share the heap), and far below the hundreds of MiB an unbounded queue reaches.
 */
const HEAP_GROWTH_BOUND_MIB = 64;

let app: FastifyInstance | undefined;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await app?.close();
  app = undefined;
});

/** A host that takes bytes only once `release` is called, and hashes everything it got. */
async function stalledHost(): Promise<{
  port: number;
  received: () => number;
  digest: () => string;
  release: () => void;
}> {
  const hash = createHash('sha256');
  let received = 0;
  let conn: Socket | undefined;
  const server = createServer((socket) => {
    conn = socket;
    socket.pause();
    socket.on('data', (d: Buffer) => {
      received += d.length;
      hash.update(d);
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    conn?.destroy();
    server.close();
  });
  return {
    port: (server.address() as { port: number }).port,
    received: () => received,
    digest: () => hash.digest('hex'),
    release: () => conn?.resume(),
  };
}

async function echoHost() {
  const host = await startScriptedHost(async (conn) => {
    for (;;) {
      const key = await conn.read(1, 60_000).catch(() => undefined);
      if (!key) return;
      conn.write(key);
    }
  });
  cleanups.push(() => host.stop());
  return host;
}

async function start(targets: string, slowClientTimeoutMs: number) {
  const sessions: TelnetSession[] = [];
  app = await buildTestApp(
    `
listen: { host: 127.0.0.1 }
targets:
${targets}
limits: { highWaterBytes: ${HIGH_WATER}, lowWaterBytes: ${HIGH_WATER / 4}, slowClientTimeoutMs: ${slowClientTimeoutMs} }
`,
    { onSession: createTelnetRelay({}, { onSessionStart: (s) => sessions.push(s) }) },
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return { sessions, port };
}

/** A raw browser: resolves once the session is connected; `code` resolves when it closes. */
async function rawClient(port: number, target: string) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?target=${target}`, SUBPROTOCOL);
  cleanups.push(() => ws.terminate());
  const code = new Promise<number>((resolve) => ws.once('close', resolve));
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      const result = decodeServerFrame(data);
      if (result.ok && result.frame.type === 'state' && result.frame.state === 'connected') resolve();
    });
    ws.once('error', reject);
  });
  return { ws, code };
}

/** Sends frames as fast as the client's own socket takes them, until `stop` or `count` frames. */
async function sendFrames(
  ws: WebSocket,
  count: number,
  frame: (k: number) => Uint8Array,
  stop: () => boolean,
) {
  let sent = 0;
  while (sent < count && !stop() && ws.readyState === ws.OPEN) {
    if (ws.bufferedAmount > MiB) {
      await sleep(2);
      continue;
    }
    ws.send(frame(sent));
    sent++;
    if (sent % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return sent;
}

function heapSampler() {
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 10);
  cleanups.push(() => clearInterval(timer));
  return {
    growthMiB: () => (peak - baseline) / MiB,
    stop: () => clearInterval(timer),
  };
}

it('a browser that never reads while sending a million SETTINGS and ACTION frames is paused, then closed as slow', {
  timeout: 60_000,
}, async () => {
  const sink = await stalledHost();
  sink.release();
  const echo = await echoHost();
  const { sessions, port } = await start(
    `  - { id: sink, host: 127.0.0.1, port: ${sink.port} }
  - { id: echo, host: 127.0.0.1, port: ${echo.port} }`,
    2_000,
  );
  const { ws, code } = await rawClient(port, 'sink');
  const session = sessions[0]!;
  // From here on the browser reads nothing.
  (ws as unknown as { _socket: Socket })._socket.pause();
  const settings = encodeClientFrame({ type: 'settings', settings: { localEcho: 'auto' } });
  const action = encodeClientFrame({ type: 'action', action: 'nop' });
  const heap = heapSampler();
  let peakBuffered = 0;
  const watch = setInterval(() => {
    peakBuffered = Math.max(peakBuffered, session.stats().browserBuffered);
  }, 5);
  cleanups.push(() => clearInterval(watch));

  const sending = sendFrames(
    ws,
    1_000_000,
    (k) => (k % 2 ? action : settings),
    () => session.ended,
  );
  await until(() => session.stats().browserPaused, 'the browser to be paused');

  // A neighbouring session keeps echoing meanwhile.
  const typist = await TerminalClient.open(app!, '/ws?target=echo');
  cleanups.push(() => typist.close());
  await typist.waitForFrame('state', (f) => f.state === 'connected');
  for (const key of 'hello') {
    typist.type(key);
    await typist.waitForText(key, 5_000);
  }
  expect(typist.text).toBe('hello');
  expect(session.stats().browserPaused).toBe(true);

  await until(() => session.ended, 'the slow browser to be closed');
  const sent = await sending;
  clearInterval(watch);
  heap.stop();
  expect(sent).toBeLessThan(1_000_000);
  // The queue toward the browser stopped near its cap: what was read before the pause took effect.
  expect(peakBuffered).toBeLessThan(HIGH_WATER + 4 * MiB);
  expect(heap.growthMiB(), 'heap growth in MiB').toBeLessThan(HEAP_GROWTH_BOUND_MIB);
  // Reading again, the browser finds the close with its code.
  (ws as unknown as { _socket: Socket })._socket.resume();
  expect(await code).toBe(closeCodeFor('GW_ERR_SLOW_CLIENT' satisfies GatewayErrorCode));
});

it(`a ${PASTE_MIB} MiB paste into a host that stopped reading pauses the browser and arrives whole`, {
  timeout: 120_000,
}, async () => {
  const host = await stalledHost();
  const { sessions, port } = await start(`  - { id: stalled, host: 127.0.0.1, port: ${host.port} }`, 2_000);
  const { ws } = await rawClient(port, 'stalled');
  const session = sessions[0]!;

  // Printable ASCII: no CR and no IAC, so the host receives exactly the bytes typed.
  const chunk = Buffer.alloc(32 * 1024);
  for (let k = 0; k < chunk.length; k++) chunk[k] = 0x21 + ((k * 7) % 90);
  const chunks = (PASTE_MIB * MiB) / chunk.length;
  const frame = encodeClientFrame({ type: 'input', data: chunk });
  const expected = createHash('sha256');
  for (let k = 0; k < chunks; k++) expected.update(chunk);

  const heap = heapSampler();
  let peakHostBuffered = 0;
  const watch = setInterval(() => {
    peakHostBuffered = Math.max(peakHostBuffered, session.stats().hostBuffered);
  }, 5);
  cleanups.push(() => clearInterval(watch));

  let released = false;
  const sending = sendFrames(
    ws,
    chunks,
    () => frame,
    () => false,
  );
  await until(() => session.stats().browserPaused, 'the browser to be paused');
  // Held: nothing more is read from the browser while the host reads nothing.
  const before = session.stats().hostBuffered;
  await sleep(200);
  expect(session.stats().browserPaused).toBe(true);
  expect(session.stats().hostBuffered).toBe(before);
  expect(session.ended).toBe(false);

  host.release();
  released = true;
  expect(await sending).toBe(chunks);
  await until(() => host.received() === PASTE_MIB * MiB, 'every byte at the host', 90_000);
  clearInterval(watch);
  heap.stop();
  expect(released).toBe(true);
  expect(host.digest()).toBe(expected.digest('hex'));
  expect(peakHostBuffered).toBeLessThan(HIGH_WATER + 2 * MiB);
  expect(heap.growthMiB(), 'heap growth in MiB').toBeLessThan(HEAP_GROWTH_BOUND_MIB);
});

it('a host that sends commands but does not read their answers is itself not read past the cap', {
  timeout: 60_000,
}, async () => {
  const sends = 400_000;
  const received: Buffer[] = [];
  let conn: Socket | undefined;
  const server = createServer((socket) => {
    conn = socket;
    socket.pause();
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('error', () => {});
    // DO TTYPE, then TTYPE SEND over and over: each is answered with a TTYPE IS.
    const storm = Buffer.alloc(3 + 6 * sends);
    storm.set([0xff, 0xfd, 0x18]);
    for (let k = 0; k < sends; k++) storm.set([0xff, 0xfa, 0x18, 0x01, 0xff, 0xf0], 3 + 6 * k);
    socket.write(storm);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    conn?.destroy();
    server.close();
  });
  const hostPort = (server.address() as { port: number }).port;
  const { sessions, port } = await start(`  - { id: storm, host: 127.0.0.1, port: ${hostPort} }`, 30_000);
  await rawClient(port, 'storm');
  const session = sessions[0]!;
  let peakHostBuffered = 0;
  const watch = setInterval(() => {
    peakHostBuffered = Math.max(peakHostBuffered, session.stats().hostBuffered);
  }, 5);
  cleanups.push(() => clearInterval(watch));

  await until(
    () => session.stats().hostPaused && session.stats().hostBuffered >= 2 * HIGH_WATER,
    'the host to be paused',
  );
  const held = session.stats().hostBuffered;
  await sleep(200);
  expect(session.stats().hostBuffered).toBe(held);

  conn!.resume();
  const answers = () => {
    const all = Buffer.concat(received);
    let n = 0;
    for (let i = 0; i + 3 < all.length; i++) {
      if (all[i] === 0xff && all[i + 1] === 0xfa && all[i + 2] === 0x18 && all[i + 3] === 0x00) n++;
    }
    return n;
  };
  await until(() => answers() >= sends, 'every answer', 40_000);
  clearInterval(watch);
  expect(answers()).toBe(sends);
  expect(peakHostBuffered).toBeLessThan(2 * HIGH_WATER + 2 * MiB);
  expect(session.ended).toBe(false);
});
