/**
 * Counts events in fixed windows (one second by default) on its own clock: the count starts again
 * whenever a window has passed, whatever else the session is doing.
 */
export class RateWindow {
  private count = 0;
  private windowStart = Number.NEGATIVE_INFINITY;

  constructor(
    readonly max: number,
    private readonly windowMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts `n` events; false once more than `max` have happened in the current window. */
  take(n = 1): boolean {
    this.roll();
    this.count += n;
    return this.count <= this.max;
  }

  /** Events counted in the current window. */
  get used(): number {
    this.roll();
    return this.count;
  }

  /** Time until the current window ends. */
  msLeft(): number {
    this.roll();
    return Math.max(0, this.windowStart + this.windowMs - this.now());
  }

  private roll(): void {
    const now = this.now();
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.count = 0;
    }
  }
}
