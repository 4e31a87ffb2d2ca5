import type { IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocket } from 'ws';
import { type AppDeps, buildApp } from '../app.js';
import { parseConfig } from '../config/load.js';
import type { GatewayConfig } from '../config/types.js';
import { createLogger } from '../observability/logging.js';
import { createMetrics } from '../observability/metrics.js';

/** Bound on every wait in gateway tests; below the test timeout, so a stuck wait says what it waited for. */
export const TEST_TIMEOUT_MS = 3000;

/** Log lines an app wrote, as parsed JSON and as raw text. */
export class LogCapture {
  readonly lines: string[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });

  get records(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  get text(): string {
    return this.lines.join('\n');
  }
}

export interface TestAppOptions extends AppDeps {
  /** Collects the app's logs (at debug level) instead of discarding them. */
  readonly logs?: LogCapture;
}

/** A gateway app for inject tests: no process metrics, no web app, logs discarded unless captured. */
export async function buildTestApp(
  config: GatewayConfig | string = '',
  options: TestAppOptions = {},
): Promise<FastifyInstance> {
  const { logs, ...deps } = options;
  const logger = logs ? createLogger('debug', logs.stream) : createLogger('silent');
  return buildApp(typeof config === 'string' ? parseConfig(config) : config, {
    metrics: createMetrics({ processMetrics: false }),
    webRoot: null,
    logger,
    ...deps,
  });
}

export interface Closed {
  readonly code: number;
  readonly reason: string;
}

export interface TestConnection {
  readonly ws: WebSocket;
  /** Resolves when the gateway closes the socket (rejects after TEST_TIMEOUT_MS). */
  readonly closed: Promise<Closed>;
}

export interface ConnectOptions {
  readonly headers?: Record<string, string>;
  /** The client's address as the gateway sees it. */
  readonly ip?: string;
  /** Called before the handshake completes, e.g. to send at once on open. */
  readonly onOpen?: (ws: WebSocket) => void;
}

/** Sockets opened by `connect`, so a test file can make sure none outlives it. */
const openSockets = new Set<WebSocket>();

export function terminateAll(): void {
  for (const ws of openSockets) {
    // A socket whose handshake was refused never opened and has nothing to end.
    if (ws.readyState !== ws.CONNECTING) ws.terminate();
  }
  openSockets.clear();
}

/** Opens a WebSocket through `injectWS`, with its close already being listened for. */
export async function connect(
  app: FastifyInstance,
  path: string,
  options: ConnectOptions = {},
): Promise<TestConnection> {
  // injectWS, unlike inject, does not start the app itself.
  await app.ready();
  let closed!: Promise<Closed>;
  const context = {
    headers: { host: 'localhost:8080', ...options.headers },
    socket: { remoteAddress: options.ip ?? '192.0.2.10' },
  } as unknown as Partial<IncomingMessage>;
  const ws = await app.injectWS(path, context, {
    onInit: (socket) => {
      openSockets.add(socket);
      closed = new Promise<Closed>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no close within ${TEST_TIMEOUT_MS} ms`)),
          TEST_TIMEOUT_MS,
        );
        socket.once('close', (code: number, reason: Buffer) => {
          clearTimeout(timer);
          openSockets.delete(socket);
          resolve({ code, reason: reason.toString('utf8') });
        });
      });
      // A test that never waits for the close must not see an unhandled rejection.
      closed.catch(() => {});
    },
    ...(options.onOpen && { onOpen: options.onOpen }),
  });
  return { ws, closed };
}

/** Waits for `predicate` to hold, checking as events happen; rejects after TEST_TIMEOUT_MS. */
export async function eventually(predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + TEST_TIMEOUT_MS;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Opens a real WebSocket to the app listening on 127.0.0.1 (an ephemeral port), for behaviour that
 * needs real TCP, such as the server seeing the connection end. The app is closed by the caller.
 */
export async function connectOverLoopback(app: FastifyInstance, path: string): Promise<TestConnection> {
  if (!app.server.listening) await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('app is not listening on TCP');
  const ws = new WebSocket(`ws://127.0.0.1:${address.port}${path}`);
  openSockets.add(ws);
  const closed = new Promise<Closed>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no close within ${TEST_TIMEOUT_MS} ms`)),
      TEST_TIMEOUT_MS,
    );
    ws.once('close', (code: number, reason: Buffer) => {
      clearTimeout(timer);
      openSockets.delete(ws);
      resolve({ code, reason: reason.toString('utf8') });
    });
  });
  closed.catch(() => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, closed };
}
