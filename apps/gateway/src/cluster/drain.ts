import type { Notice } from '@telgate/protocol';
import type { GatewayNotices } from '../sessions/session.js';

/** The code of the warning notice that tells a session its gateway is draining. */
export const DRAIN_NOTICE_CODE = 'GW_WARN_DRAINING';

/** "4 minutes", "1 minute", "30 seconds": a duration as people say it. */
export function sayDuration(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}

/**
 * The warning a draining gateway's sessions get, `remainingMs` before they are ended; `othersTakeOver`
 * when other gateways behind the same address take new sessions meanwhile.
 */
export function drainNotice(remainingMs: number, deadline: Date, othersTakeOver: boolean): Notice {
  const next = othersTakeOver
    ? 'connecting again opens a new session on another gateway'
    : 'you can connect again once the gateway is back';
  return {
    kind: 'warning',
    code: DRAIN_NOTICE_CODE,
    message: `This gateway is closing for maintenance: this session ends in ${sayDuration(remainingMs)} (at ${deadline.toISOString().slice(11, 16)} UTC) unless you end it first. Save your work; ${next}.`,
  };
}

/**
 * Whether the gateway drains, and until when. Draining, it takes no new sessions (resumes of its own
 * still come in), /healthz answers 503, and every session is warned: when the drain starts, again a
 * minute before the deadline (or halfway, for a shorter drain), and on each resume.
 */
export class Drain implements GatewayNotices {
  readonly #listeners = new Set<(notice: Notice) => void>();
  #deadline: number | undefined;
  #reminder: NodeJS.Timeout | undefined;

  /** `othersTakeOver`: other gateways behind the same address take new sessions while this one drains. */
  constructor(private readonly othersTakeOver = false) {}

  get draining(): boolean {
    return this.#deadline !== undefined;
  }

  /** When the remaining sessions are ended; undefined unless draining. */
  get deadline(): Date | undefined {
    return this.#deadline === undefined ? undefined : new Date(this.#deadline);
  }

  /** Starts draining with sessions ended `durationMs` from now; a second call changes nothing. */
  start(durationMs: number): void {
    if (this.#deadline !== undefined) return;
    this.#schedule(durationMs);
  }

  /**
   * Starts draining, or, already draining, moves the deadline to `durationMs` from now when that is
   * sooner (sessions are warned again with the new time); never later. Returns whether it changed.
   */
  bringForward(durationMs: number): boolean {
    if (this.#deadline !== undefined && this.#deadline <= Date.now() + durationMs) return false;
    clearTimeout(this.#reminder);
    this.#schedule(durationMs);
    return true;
  }

  #schedule(durationMs: number): void {
    this.#deadline = Date.now() + durationMs;
    this.#broadcast();
    const remindAt = Math.max(durationMs / 2, durationMs - 60_000);
    if (durationMs >= 2_000) {
      this.#reminder = setTimeout(() => this.#broadcast(), remindAt);
      this.#reminder.unref();
    }
  }

  /** Stops the reminder (the gateway stops). */
  stop(): void {
    clearTimeout(this.#reminder);
  }

  current(): Notice | undefined {
    if (this.#deadline === undefined) return undefined;
    return drainNotice(
      Math.max(0, this.#deadline - Date.now()),
      new Date(this.#deadline),
      this.othersTakeOver,
    );
  }

  subscribe(listener: (notice: Notice) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #broadcast(): void {
    const notice = this.current();
    if (!notice) return;
    for (const listener of [...this.#listeners]) listener(notice);
  }
}
