export interface FlowControllerOptions {
  /** Pause the source once this much is pending… */
  readonly highWaterBytes: number;
  /** …and resume it once less than this is. */
  readonly lowWaterBytes: number;
  /** Bytes queued now between the source and its sink. */
  readonly pending: () => number;
  /** While this holds, the source is never paused (e.g. while its bytes are being dropped anyway). */
  readonly hold?: () => boolean;
  readonly pause: () => void;
  readonly resume: () => void;
  /** Called when the source has stayed paused for `stallMs`. */
  readonly onStall?: () => void;
  readonly stallMs?: number;
}

/**
 * Backpressure for one direction of a session: the source (a socket being read) is paused while more
 * than the high-water mark is queued toward its sink, and resumed under the low-water mark. The same
 * controller serves host → browser and browser → host. Call `update` whenever the queue may have
 * changed (after queueing, on drain, on acknowledgement).
 */
export class FlowController {
  private pausedNow = false;
  private stallTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(private readonly options: FlowControllerOptions) {}

  get paused(): boolean {
    return this.pausedNow;
  }

  update(): void {
    if (this.disposed) return;
    const { highWaterBytes, lowWaterBytes, pending, hold } = this.options;
    const queued = pending();
    const pause =
      !(hold?.() ?? false) && (this.pausedNow ? queued > lowWaterBytes : queued >= highWaterBytes);
    if (pause === this.pausedNow) return;
    this.pausedNow = pause;
    if (pause) {
      this.options.pause();
      this.armStall();
    } else {
      clearTimeout(this.stallTimer);
      this.stallTimer = undefined;
      this.options.resume();
    }
  }

  /** Stops the stall timer for good; the source is left as it is. */
  dispose(): void {
    this.disposed = true;
    clearTimeout(this.stallTimer);
  }

  private armStall(): void {
    const { onStall, stallMs } = this.options;
    if (!onStall || stallMs === undefined || stallMs <= 0) return;
    this.stallTimer = setTimeout(() => {
      this.stallTimer = undefined;
      if (this.pausedNow && !this.disposed) onStall();
    }, stallMs);
  }
}

/**
 * A source paused by several controllers at once (the browser's socket is paused both when the browser
 * does not read and when the host does not): it runs only while no reason holds it.
 */
export class SharedPause {
  private readonly reasons = new Set<string>();

  constructor(
    private readonly pause: () => void,
    private readonly resume: () => void,
  ) {}

  get paused(): boolean {
    return this.reasons.size > 0;
  }

  hold(reason: string): void {
    const was = this.reasons.size;
    this.reasons.add(reason);
    if (was === 0) this.pause();
  }

  release(reason: string): void {
    if (!this.reasons.delete(reason)) return;
    if (this.reasons.size === 0) this.resume();
  }
}
