/**
 * The page probe, run against a stand-in WebSocket: what it counts as received and shown decides every
 * browser figure, so its bookkeeping is checked here without a browser.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BenchProbe, type BenchProbeApi, installProbe } from './probe.js';

class FakeSocket extends EventTarget {
  readonly sent: Uint8Array[] = [];
  closed: number | undefined;
  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {
    super();
  }
  send(data: Uint8Array): void {
    this.sent.push(data);
  }
  close(code?: number): void {
    this.closed = code;
  }
}

type Probed = FakeSocket;
type Win = {
  WebSocket: new (url: string) => Probed;
  __bench: BenchProbe & BenchProbeApi;
  addEventListener(): void;
  requestAnimationFrame(callback: (time: number) => void): number;
};

const text = (s: string) => new TextEncoder().encode(s);
const output = (s: string) => Uint8Array.of(0x81, ...text(s)).buffer;
const screen = (s: string) => Uint8Array.of(0x88, 0, 80, 0, 24, ...text(s)).buffer;
const ack = (n: number) => {
  const frame = new Uint8Array(5);
  frame[0] = 0x04;
  new DataView(frame.buffer).setUint32(1, n);
  return frame;
};

describe('the page probe', () => {
  let win: Win;
  const saved = (globalThis as { window?: unknown }).window;

  beforeEach(() => {
    win = {
      WebSocket: FakeSocket as unknown as Win['WebSocket'],
      addEventListener: () => {},
      requestAnimationFrame: () => 0,
    } as unknown as Win;
    (globalThis as { window?: unknown }).window = win;
    installProbe();
  });
  afterEach(() => {
    (globalThis as { window?: unknown }).window = saved;
  });

  const deliver = (socket: Probed, data: ArrayBuffer) =>
    socket.dispatchEvent(new MessageEvent('message', { data }));

  it('finds echo markers, also one cut across two OUTPUT frames, and shows each once its bytes are acknowledged', async () => {
    const socket = new win.WebSocket('ws://gateway/ws');
    const probe = win.__bench;
    deliver(socket, output('log line ~0~ more ~1'));
    deliver(socket, output('2~ tail'));
    expect(Object.keys(probe.echoes)).toEqual(['0', '12']);
    expect(probe.received).toBe('log line ~0~ more ~1'.length + '2~ tail'.length);

    const shown = probe.untilEcho(12);
    socket.send(ack('log line ~0~'.length));
    expect(probe.echoes[0]!.renderedAt).toBeDefined();
    expect(probe.echoes[12]!.renderedAt).toBeUndefined();
    socket.send(ack(probe.received - 'log line ~0~'.length));
    await shown;
    expect(probe.echoes[12]!.renderedAt).toBeDefined();
    expect(probe.acked).toBe(probe.received);
    // The ACKs still reach the socket.
    expect(socket.sent).toHaveLength(2);
  });

  it('finds markers in a SCREEN frame, skips a cut-off one, and times the screen drawn on a new socket', async () => {
    const first = new win.WebSocket('ws://gateway/ws');
    first.dispatchEvent(new Event('open'));
    const probe = win.__bench;
    deliver(first, output('abc'));
    first.send(ack(3));

    probe.drop();
    expect(first.closed).toBe(4000);
    const second = new win.WebSocket('ws://gateway/ws');
    second.dispatchEvent(new Event('open'));
    const drawn = probe.untilScreen(1);
    // `~4` lost its end on the screen; `~5~` and `~6~` are whole.
    deliver(second, screen('\x1b[H~4 status ~5~~6~'));
    expect(Object.keys(probe.echoes)).toEqual(['5', '6']);
    expect(probe.sockets[1]!.screenAt).toBeDefined();
    expect(probe.sockets[1]!.screenDrawnAt).toBeUndefined();
    second.send(ack('\x1b[H~4 status ~5~~6~'.length));
    await drawn;
    expect(probe.sockets[1]!.screenDrawnAt).toBeGreaterThanOrEqual(probe.sockets[1]!.openAt!);
    expect(probe.echoes[6]!.renderedAt).toBeDefined();
    expect(probe.sockets[0]!.screenDrawnAt).toBeUndefined();
  });

  it('resolves `until` once that many bytes are acknowledged, not before', async () => {
    const socket = new win.WebSocket('ws://gateway/ws');
    const probe = win.__bench;
    deliver(socket, output('x'.repeat(100)));
    let done = false;
    const waiting = probe.until(100).then(() => {
      done = true;
    });
    socket.send(ack(60));
    await Promise.resolve();
    expect(done).toBe(false);
    socket.send(ack(40));
    await waiting;
    expect(done).toBe(true);
    expect(probe.messages).toBe(1);
  });
});
