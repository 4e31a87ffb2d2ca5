/**
 * Hosts for the browser benchmark, one mode per worker:
 * - `stream`: opens with WILL ECHO, WILL SGA, DO NAWS; reports the window size the page's terminal
 *   announces (SB NAWS), and sends the synthetic stream each time the user types `g`;
 * - `echo-flood`: opens with WILL ECHO, WILL SGA and a scroll region below the first row, as programs
 *   with a status line do (top, a MUD client, a monitor); floods the stream's log lines into the region
 *   without end while the parent has turned the flood on, and echoes the n-th `~` (a byte the stream
 *   never contains) as `~n~` in the status line at once. The echo stays on screen until the next one, so
 *   a page that is sent the screen instead of the backlog shows it as well as one sent every byte.
 */
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { syntheticStream } from '../stream.js';
import { onRequest, report, runWorker, workerConfig } from './runtime.js';
import { drained, portOf } from './sockets.js';
import { floodSlices, STATUS_LINE_SETUP, statusEcho } from './status-line-flood.js';

export interface BrowserHostConfig {
  readonly mode: 'stream' | 'echo-flood';
  readonly totalBytes: number;
  readonly seed: number;
  /** `echo-flood`: each flood ends after this many bytes (0: it goes on until turned off). */
  readonly floodBytes: number;
}

export type BrowserHostRequest = { readonly type: 'flood'; readonly on: boolean };

export type BrowserHostMessage =
  | { readonly type: 'ready'; readonly port: number }
  | { readonly type: 'size'; readonly cols: number; readonly rows: number }
  | { readonly type: 'streamed'; readonly bytes: number }
  | { readonly type: 'flooding'; readonly on: boolean };

const IAC = 0xff;
const SB = 0xfa;
const SE = 0xf0;
const WILL = 0xfb;
const DO = 0xfd;
const NAWS = 31;
const TRIGGER = 0x67; // 'g'
const ECHO_KEY = 0x7e; // '~'

/**
 * The data bytes of what the client sends, with Telnet commands taken out; SB NAWS is decoded. Small:
 * the gateway sends only a few negotiations, and NAWS values are never 255 here.
 */
class ClientBytes {
  private state: 'data' | 'iac' | 'option' | 'sb' | 'sb-iac' = 'data';
  private sb: number[] = [];

  constructor(
    private readonly onData: (byte: number) => void,
    private readonly onSize: (cols: number, rows: number) => void,
  ) {}

  push(chunk: Uint8Array): void {
    for (const byte of chunk) {
      switch (this.state) {
        case 'data':
          if (byte === IAC) this.state = 'iac';
          else this.onData(byte);
          break;
        case 'iac':
          if (byte === IAC) {
            this.state = 'data';
            this.onData(byte);
          } else if (byte === SB) {
            this.state = 'sb';
            this.sb = [];
          } else if (byte >= WILL) this.state = 'option';
          else this.state = 'data';
          break;
        case 'option':
          this.state = 'data';
          break;
        case 'sb':
          if (byte === IAC) this.state = 'sb-iac';
          else this.sb.push(byte);
          break;
        case 'sb-iac':
          if (byte === SE) {
            this.state = 'data';
            const [option, c1, c2, r1, r2] = this.sb;
            if (option === NAWS && r2 !== undefined) this.onSize((c1! << 8) | c2!, (r1! << 8) | r2);
          } else {
            this.sb.push(byte);
            this.state = 'sb';
          }
          break;
      }
    }
  }
}

runWorker(async () => {
  const config = workerConfig<BrowserHostConfig>();
  const stream = syntheticStream(config.totalBytes, undefined, config.seed);
  let flooding = false;
  const floodWaiters = new Set<() => void>();

  const sendStream = async (socket: Socket) => {
    for (let k = 0; k < stream.repeat && !socket.destroyed; k++) {
      if (!socket.write(stream.unit)) await drained(socket);
    }
    report({ type: 'streamed', bytes: stream.unit.length * stream.repeat } satisfies BrowserHostMessage);
  };

  const slices = config.mode === 'echo-flood' ? floodSlices(stream.unitData) : [];
  const flood = async (socket: Socket) => {
    let next = 0;
    let sent = 0;
    while (!socket.destroyed) {
      if (config.floodBytes > 0 && sent >= config.floodBytes) flooding = false;
      if (!flooding) {
        sent = 0;
        await new Promise<void>((resolve) => floodWaiters.add(resolve));
        continue;
      }
      const slice = slices[next]!;
      next = (next + 1) % slices.length;
      const ok = socket.write(slice);
      sent += slice.length;
      if (!ok) await drained(socket);
    }
  };

  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => {});
    if (config.mode === 'stream') {
      socket.write(Buffer.from([IAC, WILL, 1, IAC, WILL, 3, IAC, DO, NAWS]));
      const bytes = new ClientBytes(
        (byte) => {
          if (byte === TRIGGER) void sendStream(socket);
        },
        (cols, rows) => report({ type: 'size', cols, rows } satisfies BrowserHostMessage),
      );
      socket.on('data', (chunk: Buffer) => bytes.push(chunk));
    } else {
      socket.write(Buffer.from([IAC, WILL, 1, IAC, WILL, 3]));
      socket.write(STATUS_LINE_SETUP);
      // The n-th `~` is echoed as `~n~`: the page tells each key's echo apart, also on a redrawn screen.
      let echoes = 0;
      const bytes = new ClientBytes(
        (byte) => {
          if (byte === ECHO_KEY) socket.write(statusEcho(echoes++));
        },
        () => {},
      );
      socket.on('data', (chunk: Buffer) => bytes.push(chunk));
      void flood(socket);
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  onRequest<BrowserHostRequest>((request) => {
    flooding = request.on;
    for (const wake of floodWaiters) wake();
    floodWaiters.clear();
    report({ type: 'flooding', on: flooding } satisfies BrowserHostMessage);
  });
  report({ type: 'ready', port: portOf(server) } satisfies BrowserHostMessage);
});
