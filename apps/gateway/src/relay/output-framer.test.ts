import type { Socket } from 'node:net';
import { decodeServerFrame } from '@telgate/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createHostDecoder } from './charset.js';
import { OutputFramer } from './output-framer.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A server-side WebSocket and the messages its loopback peer receives. */
async function pair(): Promise<{ server: WebSocket; received: Buffer[]; next(): Promise<Buffer> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  const { port } = wss.address() as { port: number };
  const serverSide = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  const received: Buffer[] = [];
  const waiters: Array<(b: Buffer) => void> = [];
  client.on('message', (data: Buffer) => {
    const waiter = waiters.shift();
    if (waiter) waiter(data);
    else received.push(data);
  });
  const server = await serverSide;
  await new Promise((resolve) =>
    client.readyState === client.OPEN ? resolve(undefined) : client.once('open', resolve),
  );
  cleanups.push(() => {
    client.terminate();
    wss.close();
  });
  const next = () => {
    const ready = received.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message')), 3000);
      waiters.push((b) => {
        clearTimeout(timer);
        resolve(b);
      });
    });
  };
  return { server, received, next };
}

function outputOf(message: Buffer): Buffer {
  const result = decodeServerFrame(message);
  if (!result.ok || result.frame.type !== 'output') throw new Error('not an OUTPUT frame');
  return Buffer.from(result.frame.data);
}

describe('OutputFramer', () => {
  it('sends the parts collected for one chunk as one OUTPUT frame, decoded to UTF-8', async () => {
    const { server, next } = await pair();
    const framer = new OutputFramer(createHostDecoder('CP437'));
    framer.collect(Buffer.of(0xc9, 0xcd));
    framer.collect(Buffer.of());
    framer.collect(Buffer.of(0xbb));
    let sent = 0;
    expect(framer.flush(server, () => sent++)).toBe(9);
    expect(outputOf(await next()).toString('utf8')).toBe('╔═╗');
    expect(sent).toBe(1);
  });

  it('sends a large frame as fragments of one message, bytes unchanged', async () => {
    const { server, next } = await pair();
    const framer = new OutputFramer(createHostDecoder('UTF-8'));
    const a = Buffer.alloc(20_000, 0x61);
    const b = Buffer.alloc(30_000, 0x62);
    framer.collect(a);
    framer.collect(b);
    expect(framer.flush(server, () => {})).toBe(50_000);
    expect(outputOf(await next())).toEqual(Buffer.concat([a, b]));
  });

  it('writes a fragmented frame to the TCP socket in one write, not one per fragment', async () => {
    const { server, next } = await pair();
    const socket = (server as unknown as { _socket: Socket })._socket;
    let writes = 0;
    for (const method of ['_write', '_writev'] as const) {
      const original = socket[method] as (...args: unknown[]) => void;
      (socket as unknown as Record<string, unknown>)[method] = function (this: Socket, ...args: unknown[]) {
        writes++;
        return original.apply(this, args);
      };
    }
    const framer = new OutputFramer(createHostDecoder('UTF-8'));
    const parts = [Buffer.alloc(20_000, 0x61), Buffer.alloc(9_000, 0x62), Buffer.alloc(5_000, 0x63)];
    for (const p of parts) framer.collect(p);
    let sent = 0;
    expect(framer.flush(server, () => sent++)).toBe(34_000);
    // The header and three data fragments, each with its WebSocket frame header: one writev.
    expect(writes).toBe(1);
    expect(outputOf(await next())).toEqual(Buffer.concat(parts));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toBe(1);
  });

  it('sends nothing when nothing was collected, or after clear', async () => {
    const { server } = await pair();
    const framer = new OutputFramer(createHostDecoder('UTF-8'));
    expect(framer.flush(server, () => {})).toBe(0);
    framer.collect(Buffer.from('stale'));
    framer.clear();
    expect(framer.flush(server, () => {})).toBe(0);
    expect(server.bufferedAmount).toBe(0);
  });
});
