import type { Socket } from 'node:net';
import { PeerError } from './errors.js';
import { DEFAULT_READ_TIMEOUT_MS, InboundBytes, type ReadPredicate } from './inbound-bytes.js';
import { LOOPBACK_HOST, listenOnLoopback } from './loopback.js';

export type BytesLike = Uint8Array | readonly number[] | string;

/** The host side of one client connection, driven byte by byte by a test. */
export interface ScriptedConnection {
  /** 1 for the first connection the host accepted, 2 for the next, … */
  readonly id: number;
  readonly socket: Socket;
  /** Every byte the client has sent on this connection so far. */
  readonly received: Buffer;
  /** Bytes the client has sent that no read has consumed yet. */
  readonly unread: Buffer;
  /** Sends raw bytes (strings are taken as latin1); resolves once the kernel has taken them. */
  write(bytes: BytesLike): Promise<void>;
  /** Consumes exactly `count` bytes sent by the client. */
  read(count: number, timeoutMs?: number): Promise<Buffer>;
  /** Consumes everything unread as soon as `predicate` accepts it. */
  readUntil(predicate: ReadPredicate, timeoutMs?: number): Promise<Buffer>;
  /** Waits for `bytes` in what the client sent and consumes up to the end of the match. */
  expect(bytes: BytesLike, timeoutMs?: number): Promise<Buffer>;
  /** Half-closes (sends FIN) after pending writes; resolves once the FIN is sent. */
  end(): Promise<void>;
  /** Resets the connection at once. */
  destroy(): void;
  /** Resolves when the connection is fully closed, whoever closed it. */
  readonly closed: Promise<void>;
}

export type ConnectionScript = (connection: ScriptedConnection) => void | Promise<void>;

export interface ScriptedHost {
  readonly kind: 'scripted';
  readonly host: typeof LOOPBACK_HOST;
  readonly port: number;
  /** Every connection accepted so far, in order. */
  readonly connections: readonly ScriptedConnection[];
  /** The next connection to arrive (or the first one not yet handed out by this method). */
  nextConnection(timeoutMs?: number): Promise<ScriptedConnection>;
  /**
   * Resolves when the script of every connection accepted so far has finished; rejects with the first
   * error a script threw. A script's error is reported only here, so a test that scripts assertions
   * should await this.
   */
  settled(): Promise<void>;
  /** Stops listening, destroys every connection and waits for the scripts to end. */
  stop(): Promise<void>;
}

/**
 * Starts a Telnet host whose side of each connection is a test script working on raw bytes — for hostile
 * and edge cases no real server produces on demand. `onConnection` runs once per accepted connection.
 */
export async function startScriptedHost(onConnection: ConnectionScript): Promise<ScriptedHost> {
  const connections: ScriptedConnection[] = [];
  const scriptRuns: Promise<void>[] = [];
  const scriptErrors: unknown[] = [];
  let handedOut = 0;
  const waitingForConnection: Array<(connection: ScriptedConnection) => void> = [];

  const server = await listenOnLoopback((socket) => {
    const connection = createScriptedConnection(connections.length + 1, socket);
    connections.push(connection);
    const run = Promise.resolve()
      .then(() => onConnection(connection))
      .catch((error: unknown) => {
        scriptErrors.push(error);
      });
    scriptRuns.push(run);
    const waiter = waitingForConnection.shift();
    if (waiter) {
      handedOut += 1;
      waiter(connection);
    }
  });

  return {
    kind: 'scripted',
    host: LOOPBACK_HOST,
    port: server.port,
    connections,
    nextConnection(timeoutMs = DEFAULT_READ_TIMEOUT_MS) {
      const ready = connections[handedOut];
      if (ready && waitingForConnection.length === 0) {
        handedOut += 1;
        return Promise.resolve(ready);
      }
      return new Promise((resolve, reject) => {
        const waiter = (connection: ScriptedConnection) => {
          clearTimeout(timer);
          resolve(connection);
        };
        const timer = setTimeout(() => {
          waitingForConnection.splice(waitingForConnection.indexOf(waiter), 1);
          reject(
            new PeerError(
              'PEER_ERR_READ_TIMEOUT',
              `no connection to port ${server.port} within ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs);
        waitingForConnection.push(waiter);
      });
    },
    async settled() {
      // Scripts may start while earlier ones are awaited, so loop until the set stops growing.
      for (let seen = 0; seen < scriptRuns.length; seen = scriptRuns.length) {
        await Promise.all(scriptRuns.slice(seen));
      }
      if (scriptErrors.length > 0) throw scriptErrors[0];
    },
    async stop() {
      await server.stop();
      await Promise.all(scriptRuns);
    },
  };
}

function createScriptedConnection(id: number, socket: Socket): ScriptedConnection {
  const inbound = new InboundBytes(`scripted connection #${id}`);
  socket.on('data', (chunk: Buffer) => inbound.append(chunk));
  socket.once('end', () => inbound.close('the client closed its side (FIN)'));
  // A reset or local destroy also ends the stream; errors are reported through pending reads.
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      inbound.close('the connection closed');
      resolve();
    }),
  );

  return {
    id,
    socket,
    get received() {
      return inbound.all;
    },
    get unread() {
      return inbound.unread;
    },
    write(bytes) {
      return new Promise((resolve, reject) => {
        socket.write(toBuffer(bytes), (error) => (error ? reject(error) : resolve()));
      });
    },
    read: (count, timeoutMs) => inbound.read(count, timeoutMs),
    readUntil: (predicate, timeoutMs) => inbound.readUntil(predicate, timeoutMs),
    expect: (bytes, timeoutMs) => inbound.expect(toBuffer(bytes), timeoutMs),
    end() {
      return new Promise((resolve) => socket.end(resolve));
    },
    destroy() {
      socket.destroy();
    },
    closed,
  };
}

export function toBuffer(bytes: BytesLike): Buffer {
  return typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
}
