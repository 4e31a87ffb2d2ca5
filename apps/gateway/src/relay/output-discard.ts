/** What ends a discard: the host's timing mark, or the DM of its Synch. */
export type DiscardUntil = 'timing-mark' | 'dm';

/**
 * Output between our interrupt (or Abort Output) and the host's timing mark or DM is stale and is
 * dropped — but a host that never answers must not silence the terminal for good, so a discard ends
 * after `timeoutMs` at the latest.
 */
export class OutputDiscard {
  private until: DiscardUntil | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly timeoutMs: number,
    /** Called whenever discarding starts or stops. */
    private readonly onChange: () => void,
  ) {}

  get active(): boolean {
    return this.until !== undefined;
  }

  start(until: DiscardUntil): void {
    this.until = until;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.stop(), this.timeoutMs);
    this.onChange();
  }

  /** The host's timing mark arrived: it ends any discard. */
  timingMark(): void {
    if (this.until !== undefined) this.stop();
  }

  /** A DM arrived: it ends a discard waiting for one. */
  dataMark(): void {
    if (this.until === 'dm') this.stop();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.until === undefined) return;
    this.until = undefined;
    this.onChange();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.until = undefined;
  }
}
