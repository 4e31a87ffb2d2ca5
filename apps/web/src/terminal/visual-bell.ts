/** How long the bell shows. */
export const BELL_SHOW_MS = 150;
/**
 * The bell shows at most once in this time, however many BELs the host sends: a host ringing in a loop
 * must not make the terminal flash more than three times a second (a seizure risk).
 */
export const BELL_MIN_INTERVAL_MS = 1000;

/** How the bell shows: a flash of the whole terminal, or (with reduced motion) a brief outline. */
export type BellStyle = 'flash' | 'outline';

export interface VisualBellOptions {
  /** Whether the user asked for reduced motion, looked up at each ring. */
  readonly reducedMotion: () => boolean;
  readonly now?: () => number;
  readonly setTimer?: (run: () => void, ms: number) => unknown;
  readonly clearTimer?: (timer: unknown) => void;
}

/**
 * The visual bell (BEL, 0x07, from the host): sets `data-bell="flash"` (or `"outline"` when the user
 * prefers reduced motion) on the terminal's element for a moment; the stylesheet draws it.
 */
export class VisualBell {
  private timer: unknown;
  private lastShown = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;
  private readonly setTimer: (run: () => void, ms: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;

  constructor(
    private readonly element: Pick<HTMLElement, 'dataset'>,
    private readonly options: VisualBellOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
    this.clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  }

  /** Shows the bell, unless it showed less than BELL_MIN_INTERVAL_MS ago. Returns whether it showed. */
  ring(): boolean {
    const now = this.now();
    if (now - this.lastShown < BELL_MIN_INTERVAL_MS) return false;
    this.lastShown = now;
    const style: BellStyle = this.options.reducedMotion() ? 'outline' : 'flash';
    this.element.dataset.bell = style;
    this.clearTimer(this.timer);
    this.timer = this.setTimer(() => {
      this.timer = undefined;
      delete this.element.dataset.bell;
    }, BELL_SHOW_MS);
    return true;
  }

  dispose(): void {
    this.clearTimer(this.timer);
    this.timer = undefined;
    delete this.element.dataset.bell;
  }
}
