import { EventEmitter } from 'node:events';
import { decodeServerFrame, encodeServerFrame, type ServerFrame, SUBPROTOCOL } from '@telgate/protocol';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { buildTestApp, eventually } from '../testing/gateway.js';
import { startHeartbeat } from './heartbeat.js';

/** Just enough of a ws WebSocket for the heartbeat: what was sent, and a settable send buffer. */
class FakeSocket extends EventEmitter {
  readonly OPEN = WebSocket.OPEN;
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  readonly sent: ServerFrame[] = [];
  send(data: Uint8Array): void {
    const decoded = decodeServerFrame(data);
    if (!decoded.ok) throw new Error(decoded.message);
    this.sent.push(decoded.frame);
  }
  close(): void {
    this.readyState = WebSocket.CLOSED;
    this.emit('close');
  }
  heartbeats(): number {
    return this.sent.filter((frame) => frame.type === 'heartbeat').length;
  }
}

function started(intervalMs: number) {
  const socket = new FakeSocket();
  const stop = startHeartbeat(socket as unknown as WebSocket, intervalMs);
  return { socket, stop };
}

describe('startHeartbeat', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('announces the interval at once, then beats whenever nothing else went out for that long', () => {
    vi.useFakeTimers();
    const { socket } = started(1000);
    expect(socket.sent).toEqual([{ type: 'heartbeat', intervalMs: 1000 }]);
    vi.advanceTimersByTime(999);
    expect(socket.heartbeats()).toBe(1);
    vi.advanceTimersByTime(1);
    expect(socket.heartbeats()).toBe(2);
    vi.advanceTimersByTime(3000);
    expect(socket.heartbeats()).toBe(5);
  });

  it('stays quiet while the session sends frames of its own', () => {
    vi.useFakeTimers();
    const { socket } = started(1000);
    const output = encodeServerFrame({ type: 'output', data: Uint8Array.of(0x41) });
    for (let i = 0; i < 20; i++) {
      vi.advanceTimersByTime(900);
      socket.send(output);
    }
    expect(socket.heartbeats()).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(socket.heartbeats()).toBe(2);
  });

  it('adds nothing while frames still wait in the send buffer', () => {
    vi.useFakeTimers();
    const { socket } = started(1000);
    socket.bufferedAmount = 64 * 1024;
    vi.advanceTimersByTime(10_000);
    expect(socket.heartbeats()).toBe(1);
    socket.bufferedAmount = 0;
    vi.advanceTimersByTime(1000);
    expect(socket.heartbeats()).toBe(2);
  });

  it('stops when the socket closes, or when told to', () => {
    vi.useFakeTimers();
    const closing = started(1000);
    closing.socket.close();
    expect(vi.getTimerCount()).toBe(0);
    const stopped = started(1000);
    stopped.stop();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10_000);
    expect(stopped.socket.heartbeats()).toBe(1);
  });

  it('does nothing when heartbeats are off', () => {
    vi.useFakeTimers();
    const { socket } = started(0);
    vi.advanceTimersByTime(60_000);
    expect(socket.sent).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('heartbeats on /ws', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function frames(heartbeatIntervalMs: number): Promise<ServerFrame[]> {
    app = await buildTestApp(
      `targets: [{ id: bbs, host: 127.0.0.1, port: 2323 }]\nlimits: { heartbeatIntervalMs: ${heartbeatIntervalMs} }\n`,
      {
        // A session that says where it stands, then nothing more.
        onSession: (socket) => {
          socket.send(encodeServerFrame({ type: 'state', state: 'connecting' }));
        },
      },
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?target=bbs`, SUBPROTOCOL);
    const received: ServerFrame[] = [];
    ws.on('message', (data: Buffer) => {
      const decoded = decodeServerFrame(new Uint8Array(data));
      if (decoded.ok) received.push(decoded.frame);
    });
    await eventually(() => received.length >= 3 || (heartbeatIntervalMs === 0 && received.length >= 1));
    // Off: wait longer than a 200 ms interval would take to beat twice.
    if (heartbeatIntervalMs === 0) await new Promise((resolve) => setTimeout(resolve, 600));
    ws.close(1000);
    return received;
  }

  it('sends the handler’s first frame, then HEARTBEAT with the configured interval, again and again', async () => {
    const received = await frames(200);
    expect(received.slice(0, 3)).toEqual([
      { type: 'state', state: 'connecting' },
      { type: 'heartbeat', intervalMs: 200 },
      { type: 'heartbeat', intervalMs: 200 },
    ]);
  });

  it('sends none when heartbeatIntervalMs is 0', async () => {
    const received = await frames(0);
    expect(received).toEqual([{ type: 'state', state: 'connecting' }]);
  });
});
