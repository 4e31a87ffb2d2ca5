import { RateWindow } from './rate-window.js';

export interface CommandThrottleOptions {
  /** After a host chunk that brought this many commands, the host waits one turn of the event loop. */
  readonly perTick: number;
  /** Past this many commands in a second, the host waits for the next second. */
  readonly perSecond: number;
  /** Stop reading the host… */
  readonly hold: () => void;
  /** …and read it again. */
  readonly release: () => void;
}

/**
 * Bounds the engine's work for one host, fairly to the other sessions: a host sending Telnet commands
 * in bulk (an ECHO storm, an IAC NOP flood) is read more slowly, never cut off. Commands are counted
 * once each as the engine reports them; after each host chunk the throttle decides whether the host
 * waits a turn (so other sessions run) or for the rest of the second.
 */
export class CommandThrottle {
  private readonly window: RateWindow;
  private sinceYield = 0;
  /** Commands of the chunk being handled, added to the window once the chunk is done. */
  private unwindowed = 0;
  private held = false;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private disposed = false;

  constructor(private readonly options: CommandThrottleOptions) {
    this.window = new RateWindow(options.perSecond);
  }

  /** The host is being held back now. */
  get throttled(): boolean {
    return this.held;
  }

  /** One command from the host. Only counted here: the clock is read once per chunk, not per command. */
  count(): void {
    this.unwindowed++;
    this.sinceYield++;
  }

  /** Called once the engine has handled a host chunk. */
  afterChunk(): void {
    if (this.unwindowed > 0) {
      this.window.take(this.unwindowed);
      this.unwindowed = 0;
    }
    if (this.held || this.disposed) return;
    if (this.window.used > this.options.perSecond) {
      this.hold();
      this.timer = setTimeout(() => this.release(), Math.max(1, this.window.msLeft()));
    } else if (this.sinceYield >= this.options.perTick) {
      this.hold();
      this.immediate = setImmediate(() => this.release());
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
  }

  private hold(): void {
    this.held = true;
    this.options.hold();
  }

  private release(): void {
    this.timer = undefined;
    this.immediate = undefined;
    this.sinceYield = 0;
    this.held = false;
    if (!this.disposed) this.options.release();
  }
}
