/**
 * A host floods 200 MiB as fast as it can into a browser that reads slowly. Flow control must keep the
 * gateway's memory bounded, deliver every byte, and keep other sessions responsive meanwhile.
 */
import { createHash } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import { decodeServerFrame, encodeClientFrame, SUBPROTOCOL } from '@telgate/protocol';
import { startReplayHost, startScriptedHost } from '@telgate/test-peers';
import type { FastifyInstance } from 'fastify';
import { afterEach, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { buildTestApp } from '../testing/gateway.js';
import { TerminalClient } from '../testing/terminal-client.js';
import { createTelnetRelay } from './index.js';

const MiB = 1024 * 1024;
const TOTAL_MIB = Number(process.env.TELGATE_FLOOD_MIB ?? 200);

let app: FastifyInstance | undefined;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await app?.close();
});

/**
 * A browser on a slow link: a TCP proxy to the gateway that passes the gateway's bytes on at about
 * `bytesPerSecond`, pausing its read side in between, so TCP backpressure reaches the gateway.
 */
async function slowLink(
  targetPort: number,
  bytesPerSecond: number,
): Promise<{ port: number; close(): void }> {
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = connect(targetPort, '127.0.0.1');
    sockets.add(inbound).add(outbound);
    inbound.pipe(outbound);
    outbound.on('data', (data: Buffer) => {
      inbound.write(data);
      outbound.pause();
      setTimeout(() => outbound.resume(), (data.length / bytesPerSecond) * 1000);
    });
    const end = () => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('close', end).on('error', end);
    outbound.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

/** Text lines with ANSI colour, as a busy host prints them; no IAC, so the bytes arrive unchanged. */
function floodChunk(): Buffer {
  const line = Buffer.from(
    '\x1b[32m2026-11-21T17:30:00Z\x1b[0m sensor=42 value=3.14159 status=OK ........\r\n',
  );
  const chunk = Buffer.alloc(MiB);
  for (let o = 0; o < chunk.length; o += line.length)
    line.copy(chunk, o, 0, Math.min(line.length, chunk.length - o));
  return chunk;
}

it(`delivers a ${TOTAL_MIB} MiB flood to a slow reader with bounded memory, other sessions unaffected`, {
  timeout: 240_000,
}, async () => {
  const chunk = floodChunk();
  const flood = await startReplayHost({ bytes: chunk, repeat: TOTAL_MIB, afterReplay: 'keep-open' });
  cleanups.push(() => flood.stop());
  const echo = await startScriptedHost(async (conn) => {
    for (;;) {
      const key = await conn.read(1, 60_000).catch(() => undefined);
      if (!key) return;
      conn.write(key);
    }
  });
  cleanups.push(() => echo.stop());

  app = await buildTestApp(
    `
listen: { host: 127.0.0.1 }
targets:
  - { id: flood, host: 127.0.0.1, port: ${flood.port} }
  - { id: echo, host: 127.0.0.1, port: ${echo.port} }
limits: { highWaterBytes: 1048576, lowWaterBytes: 262144 }
`,
    { onSession: createTelnetRelay() },
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };

  // The slow reader: behind a slow link, hashes as it goes (keeps nothing), acknowledges what it read.
  const link = await slowLink(port, 40 * MiB);
  cleanups.push(() => link.close());
  const hash = createHash('sha256');
  let received = 0;
  const reader = new WebSocket(`ws://127.0.0.1:${link.port}/ws?target=flood`, SUBPROTOCOL);
  cleanups.push(() => reader.terminate());
  const done = new Promise<void>((resolve, reject) => {
    reader.on('message', (data: Buffer) => {
      const result = decodeServerFrame(data);
      if (!result.ok) return reject(new Error(result.message));
      if (result.frame.type !== 'output') return;
      const n = result.frame.data.length;
      hash.update(result.frame.data);
      received += n;
      reader.send(encodeClientFrame({ type: 'ack', count: n }));
      if (received === TOTAL_MIB * MiB) resolve();
    });
    reader.once('close', (code) => reject(new Error(`closed with ${code} after ${received} bytes`)));
  });

  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  cleanups.push(() => clearInterval(sampler));

  // Meanwhile another user types on another session and sees every key echoed.
  const typist = await TerminalClient.open(app, '/ws?target=echo');
  cleanups.push(() => typist.close());
  await typist.waitForFrame('state', (f) => f.state === 'connected');
  for (let k = 0; k < 20; k++) {
    typist.type(String.fromCharCode(0x61 + k));
    await typist.waitForText(String.fromCharCode(0x61 + k), 5_000);
  }
  expect(typist.text).toBe('abcdefghijklmnopqrst');

  await done;
  clearInterval(sampler);
  const expected = createHash('sha256');
  for (let k = 0; k < TOTAL_MIB; k++) expected.update(chunk);
  expect(hash.digest('hex')).toBe(expected.digest('hex'));
  const growthMiB = (peak - baseline) / MiB;
  console.log(`peak RSS growth ${growthMiB.toFixed(1)} MiB`);
  expect(growthMiB, 'peak RSS growth in MiB').toBeLessThan(64);
});
