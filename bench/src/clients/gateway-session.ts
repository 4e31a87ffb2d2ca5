/**
 * A terminal session to the gateway as the web page runs it, minus the rendering: the telgate.v1
 * WebSocket, every frame decoded with the shared codec, and OUTPUT acknowledged the way the page's
 * AckBatcher does (at once from 16 KiB, otherwise at the end of the current task).
 */
import {
  type Action,
  decodeServerFrame,
  encodeAck,
  encodeClientFrame,
  encodeInput,
  SUBPROTOCOL,
  SUBPROTOCOL_V2,
} from '@telgate/protocol';
import WebSocket from 'ws';

/** As the web app's DEFAULT_ACK_THRESHOLD. */
export const ACK_THRESHOLD = 16 * 1024;

export interface SessionCallbacks {
  /** OUTPUT payload; a view into the received message, valid during the call. */
  readonly onOutput?: (data: Uint8Array) => void;
  /** Acknowledge OUTPUT as soon as it is handed to `onOutput` (a page that renders at once). */
  readonly autoAck?: boolean;
  /**
   * Offer telgate.v2, as the page does: the gateway keeps a screen state for the session (survival on),
   * and a socket that goes away without a clean close detaches the session instead of ending it.
   */
  readonly survival?: boolean;
}

export class GatewaySession {
  private pendingAck = 0;
  private ackScheduled = false;
  /** Why the session ended, once it has. */
  ended: string | undefined;
  readonly closed: Promise<void>;

  private constructor(
    readonly ws: WebSocket,
    private readonly callbacks: SessionCallbacks,
  ) {
    ws.on('error', (error) => {
      this.ended ??= error.message;
    });
    this.closed = new Promise((resolve) => {
      ws.once('close', (code, reason) => {
        this.ended ??= `closed with ${code} ${reason.toString('utf8')}`;
        resolve();
      });
    });
  }

  /** Opens a session and resolves once the gateway reports it connected to the host. */
  static open(url: string, callbacks: SessionCallbacks, timeoutMs = 15_000): Promise<GatewaySession> {
    const protocols = callbacks.survival ? [SUBPROTOCOL_V2, SUBPROTOCOL] : SUBPROTOCOL;
    const ws = new WebSocket(url, protocols, { perMessageDeflate: false });
    const session = new GatewaySession(ws, callbacks);
    // On telgate.v2 the gateway waits for the first frame (RESUME or not): the page's is its size.
    if (callbacks.survival) {
      ws.once('open', () => ws.send(encodeClientFrame({ type: 'resize', cols: 80, rows: 24 })));
    }
    return new Promise<GatewaySession>((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`no "connected" state within ${timeoutMs} ms`));
      }, timeoutMs);
      ws.on('message', (data: Buffer) => {
        const connected = session.onMessage(data);
        if (connected) {
          clearTimeout(timer);
          resolve(session);
        }
      });
      ws.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      ws.once('close', (code, reason) => {
        clearTimeout(timer);
        reject(new Error(`closed with ${code} ${reason.toString('utf8')} before connecting`));
      });
    });
  }

  /** Handles one message; true when it is the "connected" state. */
  private onMessage(data: Buffer): boolean {
    const result = decodeServerFrame(data);
    if (!result.ok) {
      this.ended = `undecodable frame: ${result.message}`;
      this.ws.terminate();
      return false;
    }
    const frame = result.frame;
    if (frame.type === 'screen') {
      // Counts for flow control like OUTPUT (a resumed or caught-up screen); not part of the stream.
      if (this.callbacks.autoAck !== false) this.rendered(frame.data.length);
      return false;
    }
    if (frame.type === 'output') {
      this.callbacks.onOutput?.(frame.data);
      if (this.callbacks.autoAck !== false) this.rendered(frame.data.length);
      return false;
    }
    if (frame.type === 'state') {
      if (frame.state === 'closed') this.ended = `closed: ${frame.code ?? 'normally'} ${frame.reason ?? ''}`;
      return frame.state === 'connected';
    }
    return false;
  }

  /** `count` more OUTPUT bytes were rendered: acknowledged in batches, as the page does. */
  rendered(count: number): void {
    this.pendingAck += count;
    if (this.pendingAck >= ACK_THRESHOLD) {
      this.flushAck();
      return;
    }
    if (!this.ackScheduled) {
      this.ackScheduled = true;
      queueMicrotask(() => {
        this.ackScheduled = false;
        this.flushAck();
      });
    }
  }

  private flushAck(): void {
    if (this.pendingAck === 0 || this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(encodeAck(this.pendingAck));
    this.pendingAck = 0;
  }

  sendInput(bytes: Uint8Array): void {
    this.ws.send(encodeInput(bytes));
  }

  sendAction(action: Action): void {
    this.ws.send(encodeClientFrame({ type: 'action', action }));
  }

  /** Pauses reading from the socket (a page busy rendering); TCP backpressure then reaches the gateway. */
  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }

  /** A clean close (WebSocket close handshake). */
  close(): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
  }

  terminate(): void {
    this.ws.terminate();
  }
}
