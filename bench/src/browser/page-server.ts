/**
 * Serves one build of the web app (a `dist` directory) on a port of its own and passes everything else
 * — the WebSocket above all — through to the gateway unchanged (the Host header too, so the gateway's
 * same-origin check sees the page's own origin). Two of them, one per build, put an old and a new page
 * side by side against the same gateway in one run: what differs between them is the page alone.
 */
import { once } from 'node:events';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export class PageServer {
  private constructor(
    private readonly server: Server,
    private readonly sockets: Set<Socket>,
    readonly url: string,
  ) {}

  /** Serves `root` (a built apps/web/dist) in front of the gateway at `gatewayUrl`. */
  static async start(root: string, gatewayUrl: string): Promise<PageServer> {
    if (!existsSync(join(root, 'index.html'))) throw new Error(`${root} holds no built page (index.html)`);
    const gateway = new URL(gatewayUrl);
    const gatewayPort = Number(gateway.port);
    const tracked = new Set<Socket>();
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://page').pathname;
      const file = normalize(join(root, path === '/' ? 'index.html' : path));
      if (
        req.method === 'GET' &&
        file.startsWith(root + sep) &&
        existsSync(file) &&
        statSync(file).isFile()
      ) {
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        res.end(readFileSync(file));
        return;
      }
      // Anything else (the page's API calls) is the gateway's.
      const upstream = request(
        {
          host: gateway.hostname,
          port: gatewayPort,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    server.on('connection', (socket) => {
      tracked.add(socket);
      socket.once('close', () => tracked.delete(socket));
    });
    // The WebSocket: the upgrade request as it came, then bytes both ways.
    server.on('upgrade', (req, client: Socket, head: Buffer) => {
      const upstream = connect(gatewayPort, gateway.hostname);
      tracked.add(upstream);
      upstream.once('close', () => tracked.delete(upstream));
      upstream.setNoDelay(true);
      client.setNoDelay(true);
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let k = 0; k < req.rawHeaders.length; k += 2)
        lines.push(`${req.rawHeaders[k]}: ${req.rawHeaders[k + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
      const end = () => {
        upstream.destroy();
        client.destroy();
      };
      upstream.on('error', end).on('close', end);
      client.on('error', end).on('close', end);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    return new PageServer(server, tracked, `http://127.0.0.1:${port}`);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.close();
    await once(this.server, 'close').catch(() => undefined);
  }
}
