import type { Socket } from 'node:net';
import { PeerError } from './errors.js';
import { LOOPBACK_HOST, listenOnLoopback } from './loopback.js';
import { type BytesLike, toBuffer } from './scripted-host.js';

export interface ReplayHostOptions {
  /** What every connection receives, `repeat` times over. */
  bytes: BytesLike;
  /** How many times `bytes` is sent back to back; default 1. */
  repeat?: number;
  /** After the last byte: send FIN ('end', the default) or leave the connection open ('keep-open'). */
  afterReplay?: 'end' | 'keep-open';
}

export interface ReplayHost {
  readonly kind: 'replay';
  readonly host: typeof LOOPBACK_HOST;
  readonly port: number;
  /** Connections accepted so far. */
  readonly connectionCount: number;
  /** Bytes received from all clients; they are counted and discarded, never buffered. */
  readonly bytesReceived: number;
  /**
   * Resolves once `count` connections have had the whole stream written to their socket; rejects if the
   * host stops first.
   */
  replayed(count?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Writes are batched to at least this size so tiny buffers repeated many times still flood. */
const MIN_BATCH_BYTES = 64 * 1024;

/**
 * A host that sends a fixed byte stream to every client as fast as the client reads it: floods,
 * throughput benchmarks, and long captured sessions.
 */
export async function startReplayHost(options: ReplayHostOptions): Promise<ReplayHost> {
  const payload = toBuffer(options.bytes);
  const repeat = options.repeat ?? 1;
  if (!Number.isSafeInteger(repeat) || repeat < 0) {
    throw new PeerError('PEER_ERR_INVALID_ARGUMENT', `repeat must be a whole number >= 0, got ${repeat}`);
  }
  const afterReplay = options.afterReplay ?? 'end';

  let connectionCount = 0;
  let bytesReceived = 0;
  let replayedCount = 0;
  const replayWaiters = new Set<{ count: number; resolve: () => void; reject: (error: Error) => void }>();

  const server = await listenOnLoopback((socket) => {
    connectionCount += 1;
    socket.on('data', (chunk: Buffer) => {
      bytesReceived += chunk.length;
    });
    socket.on('error', () => {});
    void replay(socket, payload, repeat).then((complete) => {
      if (!complete) return;
      replayedCount += 1;
      for (const waiter of replayWaiters) {
        if (replayedCount >= waiter.count) {
          replayWaiters.delete(waiter);
          waiter.resolve();
        }
      }
      if (afterReplay === 'end') socket.end();
    });
  });

  return {
    kind: 'replay',
    host: LOOPBACK_HOST,
    port: server.port,
    get connectionCount() {
      return connectionCount;
    },
    get bytesReceived() {
      return bytesReceived;
    },
    replayed(count = 1) {
      if (replayedCount >= count) return Promise.resolve();
      return new Promise((resolve, reject) => replayWaiters.add({ count, resolve, reject }));
    },
    async stop() {
      for (const waiter of replayWaiters) {
        waiter.reject(
          new PeerError(
            'PEER_ERR_CLOSED',
            `replay host stopped after ${replayedCount} of ${waiter.count} replays`,
          ),
        );
      }
      replayWaiters.clear();
      await server.stop();
    },
  };
}

/** Resolves true once everything was written, false if the connection went away first. */
async function replay(socket: Socket, payload: Buffer, repeat: number): Promise<boolean> {
  const total = payload.length * repeat;
  if (total === 0) return true;
  const copiesPerBatch = Math.min(repeat, Math.max(1, Math.ceil(MIN_BATCH_BYTES / payload.length)));
  const batch = copiesPerBatch === 1 ? payload : Buffer.concat(Array(copiesPerBatch).fill(payload));

  let remaining = repeat;
  while (remaining > 0) {
    if (socket.destroyed || socket.writableEnded) return false;
    const copies = Math.min(copiesPerBatch, remaining);
    const chunk = copies === copiesPerBatch ? batch : batch.subarray(0, copies * payload.length);
    remaining -= copies;
    if (!socket.write(chunk) && !(await drained(socket))) return false;
  }
  return true;
}

function drained(socket: Socket): Promise<boolean> {
  return new Promise((resolve) => {
    const onDrain = () => settle(true);
    const onClose = () => settle(false);
    const settle = (ok: boolean) => {
      socket.off('drain', onDrain);
      socket.off('close', onClose);
      resolve(ok);
    };
    socket.once('drain', onDrain);
    socket.once('close', onClose);
  });
}
