/**
 * Ends a session after `limitMs` without activity (0 = never). Cheap enough to touch for every chunk:
 * the timer is only re-armed when it fires.
 */
export class IdleTimer {
  private lastActivity = 0;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    private readonly limitMs: number,
    private readonly onIdle: () => void,
  ) {}

  touch(): void {
    this.lastActivity = Date.now();
    if (this.timer === undefined) this.arm(this.limitMs);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
  }

  private arm(delayMs: number): void {
    if (this.limitMs <= 0 || this.disposed) return;
    this.timer = setTimeout(() => {
      const idleMs = Date.now() - this.lastActivity;
      if (idleMs >= this.limitMs) this.onIdle();
      else this.arm(this.limitMs - idleMs);
    }, delayMs);
  }
}

/** Resize bursts (a window being dragged): the first size goes at once, the rest once per interval. */
export class ResizeCoalescer {
  private pending: { cols: number; rows: number } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly apply: (size: { cols: number; rows: number }) => void,
  ) {}

  /** The latest size asked for, applied or not. */
  get size(): { cols: number; rows: number } | undefined {
    return this.pending;
  }

  request(cols: number, rows: number): void {
    this.pending = { cols, rows };
    if (this.timer) return;
    this.apply(this.pending);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.pending) this.apply(this.pending);
    }, this.intervalMs);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
