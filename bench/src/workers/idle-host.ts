/**
 * An idle host: accepts any number of connections, says nothing, and drops what it is sent (the
 * gateway's negotiation answers). What a NOC's quiet routers look like to the gateway.
 */
import { once } from 'node:events';
import { createServer } from 'node:net';
import { report, runWorker } from './runtime.js';
import { portOf } from './sockets.js';

export type IdleHostMessage = { readonly type: 'ready'; readonly port: number };

runWorker(async () => {
  const server = createServer((socket) => {
    socket.on('data', () => {});
    socket.on('error', () => {});
  });
  server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 });
  await once(server, 'listening');
  report({ type: 'ready', port: portOf(server) } satisfies IdleHostMessage);
});
