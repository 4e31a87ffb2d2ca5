/**
 * Receives a host stream, once per request, and reports how long it took and what arrived (length and
 * CRC-32):
 * - `tcp`: straight from the host's socket (the limit);
 * - `ws`: binary WebSocket messages from a plain relay (the Node relay, websockify);
 * - `gateway`: a telgate session, decoding frames and acknowledging as the page does.
 * One process serves every request in turn, so each path meets the same warmed-up client.
 */
import { connect } from 'node:net';
import WebSocket from 'ws';
import { GatewaySession } from '../clients/gateway-session.js';
import { monotonicMs } from '../stats.js';
import { StreamChecksum } from '../stream.js';
import { onRequest, report, runWorker } from './runtime.js';

export type StreamClientConfig = {
  readonly expectedBytes: number;
  readonly timeoutMs: number;
  /** Stop after this many bytes (a warm-up pass); the whole stream when unset. */
  readonly stopAfterBytes?: number;
} & (
  | { readonly mode: 'tcp'; readonly port: number }
  | { readonly mode: 'ws'; readonly url: string; readonly protocols: readonly string[] }
  | {
      readonly mode: 'gateway';
      readonly url: string;
      /** telgate.v2: the gateway keeps the session's screen state as it relays. */
      readonly survival?: boolean;
    }
);

export type StreamClientRequest = { readonly type: 'receive'; readonly config: StreamClientConfig };

export type StreamClientMessage =
  | { readonly type: 'ready' }
  | {
      readonly type: 'result';
      readonly bytes: number;
      readonly crc: number;
      readonly seconds: number;
      /** Set when the stream stopped short: why. */
      readonly ended?: string;
    };

type Result = Extract<StreamClientMessage, { type: 'result' }>;

function receive(config: StreamClientConfig): Promise<Result> {
  return new Promise<Result>((resolve) => {
    const sum = new StreamChecksum();
    /** From the first byte to the last, so connection set-up is not counted. */
    let started: number | undefined;
    let finished = false;
    let stop = () => {};

    const finish = (ended?: string) => {
      if (finished) return;
      finished = true;
      const seconds = started === undefined ? 0 : (monotonicMs() - started) / 1000;
      clearTimeout(timer);
      stop();
      resolve({
        type: 'result',
        bytes: sum.bytes,
        crc: sum.crc,
        seconds,
        ...(ended !== undefined && { ended }),
      });
    };
    const onData = (chunk: Uint8Array) => {
      started ??= monotonicMs();
      sum.update(chunk);
      if (sum.bytes >= (config.stopAfterBytes ?? config.expectedBytes)) finish();
    };
    const timer = setTimeout(() => finish(`timed out after ${config.timeoutMs} ms`), config.timeoutMs);

    switch (config.mode) {
      case 'tcp': {
        const socket = connect(config.port, '127.0.0.1');
        socket.on('data', onData);
        socket.on('error', (error) => finish(error.message));
        socket.on('close', () => finish('the host closed the connection'));
        stop = () => socket.destroy();
        break;
      }
      case 'ws': {
        const ws = new WebSocket(config.url, [...config.protocols], { perMessageDeflate: false });
        ws.binaryType = 'nodebuffer';
        ws.on('message', (data: Buffer) => onData(data));
        ws.on('error', (error) => finish(error.message));
        ws.on('close', (code) => finish(`the relay closed the WebSocket (${code})`));
        stop = () => ws.terminate();
        break;
      }
      case 'gateway': {
        GatewaySession.open(
          config.url,
          { onOutput: onData, survival: config.survival === true },
          config.timeoutMs,
        ).then(
          (session) => {
            // A telgate.v2 session whose socket just vanishes is detached, not ended: close it properly.
            stop = () => (config.survival ? session.close() : session.terminate());
            if (finished) stop();
            void session.closed.then(() => finish(session.ended));
          },
          (error: Error) => finish(error.message),
        );
        break;
      }
    }
  });
}

runWorker(async () => {
  onRequest<StreamClientRequest>(async (request) => {
    report(await receive(request.config));
  });
  report({ type: 'ready' } satisfies StreamClientMessage);
});
