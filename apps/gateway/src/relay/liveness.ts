import type { WebSocket } from 'ws';

export interface LivenessOptions {
  /** Ping the browser this often; 0 = never. */
  readonly intervalMs: number;
  /** A ping not answered within this long means the browser is gone. */
  readonly timeoutMs: number;
  /** While this holds the browser's pong cannot be read (its socket is paused): wait on. */
  readonly readsPaused: () => boolean;
  readonly onGone: () => void;
}

/**
 * WebSocket pings toward the browser: a browser that vanished without closing (a laptop lid shut, a
 * network gone) stops answering, and its session ends instead of living on while the host prints.
 */
export class BrowserLiveness {
  private timer: NodeJS.Timeout | undefined;
  private awaitingPong = false;
  private stopped = false;
  private readonly onPong = () => {
    this.awaitingPong = false;
  };

  constructor(
    private readonly ws: WebSocket,
    private readonly options: LivenessOptions,
  ) {}

  start(): void {
    if (this.options.intervalMs <= 0) return;
    this.ws.on('pong', this.onPong);
    this.schedulePing();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ws.off('pong', this.onPong);
  }

  private schedulePing(): void {
    this.timer = setTimeout(() => this.ping(), this.options.intervalMs);
  }

  private ping(): void {
    if (this.stopped || this.ws.readyState !== this.ws.OPEN) return;
    this.awaitingPong = true;
    this.ws.ping();
    this.timer = setTimeout(() => this.check(), this.options.timeoutMs);
  }

  private check(): void {
    if (this.stopped) return;
    if (!this.awaitingPong) {
      this.schedulePing();
      return;
    }
    if (this.options.readsPaused()) {
      // The answer may be waiting unread behind the pause; ask again later.
      this.timer = setTimeout(() => this.check(), this.options.timeoutMs);
      return;
    }
    this.options.onGone();
  }
}
