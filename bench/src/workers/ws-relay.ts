/**
 * The baseline relay: WebSocket ↔ TCP with nothing else — no Telnet parsing, no framing protocol, no
 * acknowledgements. Each host chunk goes out as one binary message; the host is paused while more than
 * 1 MiB waits in the WebSocket's send buffer (the gateway's default high-water mark), so a fast host
 * cannot grow it without bound. It is what a minimal Node websockify would be.
 */
import { createConnection } from 'node:net';
import { WebSocketServer } from 'ws';
import { onRequest, report, runWorker, workerConfig } from './runtime.js';
import { portOf } from './sockets.js';

export interface WsRelayConfig {
  readonly hostPort: number;
}

export type WsRelayMessage =
  | { readonly type: 'ready'; readonly port: number }
  | {
      readonly type: 'memory';
      /** Host connections open. */
      readonly sessions: number;
      readonly rss: number;
      readonly heapUsed: number;
      readonly heapTotal: number;
      readonly external: number;
      readonly arrayBuffers: number;
    };

export type WsRelayRequest = { readonly type: 'memory'; readonly gc: boolean };

const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;

runWorker(async () => {
  const { hostPort } = workerConfig<WsRelayConfig>();
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, backlog: 4096 });
  let sessions = 0;
  server.on('connection', (ws) => {
    const host = createConnection({ host: '127.0.0.1', port: hostPort, noDelay: true });
    sessions++;
    host.once('close', () => sessions--);
    let paused = false;
    const resumeIfDrained = () => {
      if (paused && ws.bufferedAmount <= LOW_WATER) {
        paused = false;
        host.resume();
      }
    };
    host.on('data', (chunk: Buffer) => {
      ws.send(chunk, resumeIfDrained);
      if (!paused && ws.bufferedAmount >= HIGH_WATER) {
        paused = true;
        host.pause();
      }
    });
    ws.on('message', (data: Buffer) => host.write(data));
    const end = () => {
      host.destroy();
      if (ws.readyState === ws.OPEN) ws.close(1000);
    };
    host.on('close', end);
    host.on('error', end);
    ws.on('close', () => host.destroy());
    ws.on('error', () => host.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  onRequest<WsRelayRequest>((request) => {
    if (request.gc) (globalThis as { gc?: () => void }).gc?.();
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    report({
      type: 'memory',
      sessions,
      rss,
      heapUsed,
      heapTotal,
      external,
      arrayBuffers,
    } satisfies WsRelayMessage);
  });
  report({ type: 'ready', port: portOf(server) } satisfies WsRelayMessage);
});
