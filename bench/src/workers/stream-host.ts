/**
 * A fast synthetic Telnet host: sends every client the pre-generated stream (src/stream.ts) as fast as
 * the client takes it, then leaves the connection open for the client to close once it has counted
 * everything (websockify, for one, drops data still queued when the host closes first). What clients
 * send (negotiation answers) is read and dropped.
 */
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { syntheticStream } from '../stream.js';
import { report, runWorker, workerConfig } from './runtime.js';
import { drained, portOf } from './sockets.js';

export interface StreamHostConfig {
  readonly totalBytes: number;
  readonly seed: number;
}

export type StreamHostMessage = { readonly type: 'ready'; readonly port: number };

async function send(socket: Socket, opening: Buffer, unit: Buffer, repeat: number): Promise<void> {
  socket.write(opening);
  for (let k = 0; k < repeat && !socket.destroyed; k++) {
    if (!socket.write(unit)) await drained(socket);
  }
}

runWorker(async () => {
  const { totalBytes, seed } = workerConfig<StreamHostConfig>();
  const stream = syntheticStream(totalBytes, undefined, seed);
  const server = createServer((socket) => {
    socket.on('data', () => {});
    socket.on('error', () => {});
    void send(socket, stream.opening, stream.unit, stream.repeat);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  report({ type: 'ready', port: portOf(server) } satisfies StreamHostMessage);
});
