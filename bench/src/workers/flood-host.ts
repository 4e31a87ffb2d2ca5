/**
 * A flooding host: on the parent's signal it sends the synthetic stream (src/stream.ts) to every client
 * as fast as each one takes it, and reports the moment it reads IAC IP (Interrupt Process) from a
 * client, on the clock every process here shares.
 */
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { monotonicMs } from '../stats.js';
import { syntheticStream } from '../stream.js';
import { onRequest, report, runWorker, workerConfig } from './runtime.js';
import { drained, portOf } from './sockets.js';

export interface FloodHostConfig {
  readonly totalBytes: number;
  readonly seed: number;
}

export type FloodHostRequest = { readonly type: 'start' };

export type FloodHostMessage =
  | { readonly type: 'ready'; readonly port: number }
  | { readonly type: 'connected'; readonly clients: number }
  | { readonly type: 'ip'; readonly at: number }
  | { readonly type: 'sent'; readonly bytes: number };

const IAC = 0xff;
const IP = 0xf4;

runWorker(async () => {
  const { totalBytes, seed } = workerConfig<FloodHostConfig>();
  const stream = syntheticStream(totalBytes, undefined, seed);
  const clients: Socket[] = [];

  const flood = async (socket: Socket) => {
    let bytes = stream.opening.length;
    socket.write(stream.opening);
    for (let k = 0; k < stream.repeat && !socket.destroyed; k++) {
      bytes += stream.unit.length;
      if (!socket.write(stream.unit)) await drained(socket);
    }
    report({ type: 'sent', bytes } satisfies FloodHostMessage);
  };

  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => {});
    // IAC IP may be split across reads: remember whether the last byte read was an IAC. An escaped
    // IAC IAC is data, so a pair of IACs resets the state.
    let afterIac = false;
    socket.on('data', (chunk: Buffer) => {
      for (const byte of chunk) {
        if (afterIac) {
          afterIac = false;
          if (byte === IP) report({ type: 'ip', at: monotonicMs() } satisfies FloodHostMessage);
        } else if (byte === IAC) {
          afterIac = true;
        }
      }
    });
    clients.push(socket);
    report({ type: 'connected', clients: clients.length } satisfies FloodHostMessage);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  onRequest<FloodHostRequest>(() => {
    for (const socket of clients) void flood(socket);
  });
  report({ type: 'ready', port: portOf(server) } satisfies FloodHostMessage);
});
