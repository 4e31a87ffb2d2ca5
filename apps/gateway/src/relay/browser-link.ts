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
import type { OutputFramer, OutputTap } from './output-framer.js';

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
 * The browser's side of a session: one WebSocket, its liveness pings, the frames toward it, the
 * acknowledgement count of its OUTPUT, and backpressure on what it sends. A session keeps its host
 * side while links come and go (telgate.v2): a link that goes away is disposed, and a new socket gets a
 * new link. Output is framed by the session's OutputFramer (the host's charset decoder is host state).
 * SCREEN frames count toward the acknowledgement count like OUTPUT, so a link that fell too far behind
 * can later be sent the screen state in place of its backlog (an `output-skipped` notice, then SCREEN)
 * without changing how flow control reads it.
 */
export class BrowserLink {
  /** OUTPUT (and SCREEN) payload bytes sent and not yet acknowledged. */
  private unackedBytes = 0;
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
    return this.unackedBytes;
  }

  /** What the host waits on: output not yet acknowledged, or not yet taken by the socket. */
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
    if (count > this.unackedBytes) return false;
    this.unackedBytes -= count;
    return true;
  }

  send(frame: ServerFrame): void {
    if (!this.open) return;
    const bytes = encodeServerFrame(frame);
    if (frame.type === 'screen') this.unackedBytes += frame.data.length;
    this.socket.send(bytes, this.onSent);
    this.queue.update();
  }

  /** Sends the output collected in `framer` (and gives it to `tap`); returns the payload bytes sent. */
  sendOutput(framer: OutputFramer, tap: OutputTap | undefined): number {
    const sent = framer.flush(this.socket, this.onSent, tap);
    if (sent === 0) return 0;
    this.unackedBytes += sent;
    this.queue.update();
    return sent;
  }

  /**
   * Ends the link the way a session ends: STATE closed (with `code` unless the session ended normally),
   * then the close code.
   */
  close(code: GatewayErrorCode | undefined, reason: string, sessionId: string): void {
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
