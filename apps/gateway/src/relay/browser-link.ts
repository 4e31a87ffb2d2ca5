import {
  type ClientFrame,
  closeCodeFor,
  decodeClientFrame,
  encodeServerFrame,
  type GatewayErrorCode,
  type ServerFrame,
  type Subprotocol,
} from '@telgate/protocol';
import type { RawData, WebSocket } from 'ws';
import type { LimitsConfig } from '../config/types.js';
import { FlowController, SharedPause } from './flow-controller.js';
import { BrowserLiveness } from './liveness.js';
import { type OutputFramer, type OutputTap, sendOutputMessage } from './output-framer.js';

export interface BrowserLinkEvents {
  /** A frame from the browser, decoded. */
  readonly frame: (frame: ClientFrame) => void;
  /** The socket closed with `code` (1000: the page ended the session on purpose). */
  readonly closed: (code: number) => void;
  /**
   * The browser broke the protocol (GW_ERR_BAD_FRAME…), stopped reading (GW_ERR_SLOW_CLIENT) or
   * stopped answering pings (GW_ERR_CLIENT_GONE).
   */
  readonly failed: (code: GatewayErrorCode, detail: string) => void;
  /** The socket took queued frames: output held back for the browser may go on. */
  readonly drained: () => void;
  /** Whatever a handler threw: the session decides what that ends. */
  readonly error: (err: unknown) => void;
}

/**
 * Output is sent at once while the browser has at most this much left to draw: enough to keep it busy
 * while its acknowledgement travels and the next message comes (64 KiB is 2–3 ms of drawing).
 */
const SEND_BELOW_BYTES = 64 * 1024;

/**
 * The browser's side of a session: one WebSocket, its liveness pings, the frames toward it, the
 * acknowledgement count of its OUTPUT, and backpressure on what it sends. A session keeps its host
 * side while links come and go (telgate.v2): a link that goes away is disposed, and a new socket gets a
 * new link. Output is framed by the session's OutputFramer (the host's charset decoder is host state).
 * SCREEN frames count toward the acknowledgement count like OUTPUT, so a link that fell too far behind
 * can later be sent the screen state in place of its backlog (an `output-skipped` notice, then SCREEN)
 * without changing how flow control reads it.
 */
export class BrowserLink {
  /** OUTPUT (and SCREEN) payload bytes handed to the link and not yet acknowledged, waiting ones included. */
  private unackedBytes = 0;
  /** Output handed to the link and not sent yet: it goes out as one message (see sendOutput). */
  private waitingParts: Uint8Array[] = [];
  private waitingBytes = 0;
  /** Reading from the browser, paused while its replies or its input cannot be queued. */
  private readonly reads: SharedPause;
  /** Every frame toward the browser: its own frames are not read while it does not read ours. */
  private readonly queue: FlowController;
  private readonly liveness: BrowserLiveness;
  private disposed = false;

  private readonly onMessage = (data: RawData, isBinary: boolean): void => {
    try {
      this.handleMessage(data, isBinary);
    } catch (err) {
      this.events.error(err);
    }
  };
  private readonly onClose = (code: number): void => {
    if (!this.disposed) this.events.closed(code);
  };
  private readonly onError = (err: Error): void => {
    if (!this.disposed) this.logError(err);
  };

  /** Written to the browser's socket: its buffer may have drained below the low-water mark. */
  readonly onSent = (): void => {
    if (this.disposed) return;
    if (this.queue.paused) this.queue.update();
    this.events.drained();
  };

  constructor(
    readonly socket: WebSocket,
    limits: LimitsConfig,
    private readonly events: BrowserLinkEvents,
    private readonly logError: (err: Error) => void,
    /** Output goes out at once while at most this much sent output is unacknowledged (see sendOutput). */
    private readonly sendBelowBytes: number = Math.min(SEND_BELOW_BYTES, limits.lowWaterBytes),
  ) {
    this.reads = new SharedPause(
      () => socket.pause(),
      () => socket.resume(),
    );
    this.queue = new FlowController({
      highWaterBytes: limits.highWaterBytes,
      lowWaterBytes: limits.lowWaterBytes,
      pending: () => socket.bufferedAmount,
      pause: () => this.reads.hold('browser'),
      resume: () => this.reads.release('browser'),
      stallMs: limits.slowClientTimeoutMs,
      onStall: () =>
        this.events.failed(
          'GW_ERR_SLOW_CLIENT',
          `the browser read nothing for ${limits.slowClientTimeoutMs} ms with its queue full`,
        ),
    });
    this.liveness = new BrowserLiveness(socket, {
      intervalMs: limits.pingIntervalMs,
      timeoutMs: limits.pingTimeoutMs,
      readsPaused: () => this.reads.paused,
      onGone: () =>
        this.events.failed(
          'GW_ERR_CLIENT_GONE',
          `the browser did not answer a ping in ${limits.pingTimeoutMs} ms`,
        ),
    });
  }

  get subprotocol(): Subprotocol {
    return this.socket.protocol as Subprotocol;
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  /** Attaches the socket's listeners (messages queue until then) and starts pinging. */
  start(): void {
    this.socket.on('message', this.onMessage);
    this.socket.on('close', this.onClose);
    this.socket.on('error', this.onError);
    this.liveness.start();
  }

  /** OUTPUT (and SCREEN) payload bytes sent and not yet acknowledged. */
  get unacked(): number {
    return this.unackedBytes - this.waitingBytes;
  }

  /** Output handed to the link and not sent yet, waiting for the browser to draw what it was sent. */
  get waiting(): number {
    return this.waitingBytes;
  }

  /** What the host waits on: output not yet acknowledged (sent or waiting), or not yet taken by the socket. */
  get pending(): number {
    return Math.max(this.unackedBytes, this.socket.bufferedAmount);
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  get readsPaused(): boolean {
    return this.reads.paused;
  }

  /** Stops reading the browser for `reason` (e.g. `host`: the host does not read what it types). */
  hold(reason: string): void {
    if (!this.disposed) this.reads.hold(reason);
  }

  release(reason: string): void {
    if (!this.disposed) this.reads.release(reason);
  }

  /** `count` bytes acknowledged; false when that is more than were unacknowledged. */
  ack(count: number): boolean {
    if (count > this.unacked) return false;
    this.unackedBytes -= count;
    if (this.waitingBytes > 0 && this.unacked <= this.sendBelowBytes) {
      this.sendWaiting();
      this.queue.update();
    }
    return true;
  }

  /** Sends a frame, after the output waiting ahead of it. */
  send(frame: ServerFrame): void {
    if (!this.open) return;
    this.sendWaiting();
    const bytes = encodeServerFrame(frame);
    if (frame.type === 'screen') this.unackedBytes += frame.data.length;
    this.socket.send(bytes, this.onSent);
    this.queue.update();
  }

  /**
   * Takes the output collected in `framer` (and gives it to `tap`) toward the browser; returns its
   * payload bytes. It is sent at once while the browser has little left to draw (at most
   * `sendBelowBytes` unacknowledged); otherwise it waits, and whatever waits goes out as one message
   * when the browser's acknowledgements bring it there. A page pays per message (Chromium hands each to
   * the page as a task of its own, and xterm.js schedules each write), so during a flood fewer, larger
   * messages draw faster than host-read-sized ones (docs/performance.md); a keystroke's echo on an idle
   * session goes out at once. Waiting output counts toward the flow-control window like sent output.
   */
  sendOutput(framer: OutputFramer, tap: OutputTap | undefined): number {
    const { parts, bytes } = framer.take(tap);
    if (bytes === 0 || !this.open) return 0;
    for (const p of parts) this.waitingParts.push(p);
    this.waitingBytes += bytes;
    this.unackedBytes += bytes;
    if (this.unacked <= this.sendBelowBytes) this.sendWaiting();
    this.queue.update();
    return bytes;
  }

  /**
   * Drops the output waiting to be sent (the browser is getting the screen instead); returns its size.
   * What was already sent stays to be acknowledged.
   */
  dropWaiting(): number {
    const dropped = this.waitingBytes;
    this.unackedBytes -= dropped;
    this.waitingParts = [];
    this.waitingBytes = 0;
    return dropped;
  }

  private sendWaiting(): void {
    const bytes = this.waitingBytes;
    if (bytes === 0) return;
    const parts = this.waitingParts;
    this.waitingParts = [];
    this.waitingBytes = 0;
    if (this.open) sendOutputMessage(this.socket, parts, bytes, this.onSent);
    else this.unackedBytes -= bytes;
  }

  /**
   * Ends the link the way a session ends: STATE closed (with `code` unless the session ended normally),
   * then the close code.
   */
  close(code: GatewayErrorCode | undefined, reason: string, sessionId: string): void {
    this.sendWaiting();
    this.dispose();
    if (!this.open) return;
    this.socket.send(
      encodeServerFrame({ type: 'state', state: 'closed', ...(code ? { code, reason } : {}), sessionId }),
    );
    if (code) this.socket.close(closeCodeFor(code), code);
    else this.socket.close(1000);
  }

  /** Drops the socket without a word (a browser that does not read or answer will not hear one). */
  drop(): void {
    this.dispose();
    if (this.socket.readyState !== this.socket.CLOSED) this.socket.terminate();
  }

  /** Stops every timer and listener of the link; the socket is left as it is, but read again. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.liveness.stop();
    this.queue.dispose();
    this.socket.off('message', this.onMessage);
    this.socket.off('close', this.onClose);
    // The browser's close reply must be read, whatever held its socket.
    if (this.reads.paused) this.socket.resume();
  }

  private handleMessage(data: RawData, isBinary: boolean): void {
    if (this.disposed) return;
    if (!isBinary) {
      this.events.failed('GW_ERR_BAD_FRAME', 'text messages are not part of the protocol');
      return;
    }
    const bytes = Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.isBuffer(data)
        ? data
        : Buffer.from(data);
    const result = decodeClientFrame(bytes, this.subprotocol);
    if (!result.ok) {
      this.events.failed(result.code, result.message);
      return;
    }
    this.events.frame(result.frame);
  }
}
