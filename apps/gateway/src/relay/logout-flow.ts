import type { LogoutResult } from '@telgate/protocol';

export interface LogoutFlowOptions {
  /** How long to wait for WILL/WONT LOGOUT before reporting `timed-out`. */
  readonly answerMs: number;
  /** After an accepted Logout, how long to wait for the host to close before closing ourselves. */
  readonly closeMs: number;
  /** Sends DO LOGOUT; false when the host cannot be asked (raw mode, option refused). */
  readonly request: () => boolean;
  readonly report: (result: LogoutResult) => void;
  /** The host accepted and did not close in time: end the session as logged out. */
  readonly end: () => void;
}

/** RFC 727 Logout, asked by the user: ask, wait for the answer, then wait for the host to close. */
export class LogoutFlow {
  private state: 'none' | 'asked' | 'accepted' = 'none';
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: LogoutFlowOptions) {}

  /** After an accepted Logout, any way the host goes is the logout itself. */
  get accepted(): boolean {
    return this.state === 'accepted';
  }

  ask(): void {
    if (this.state !== 'none') return;
    if (!this.options.request()) {
      this.options.report('refused');
      return;
    }
    this.state = 'asked';
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.state !== 'asked') return;
      this.state = 'none';
      this.options.report('timed-out');
    }, this.options.answerMs);
  }

  /** The host's WILL LOGOUT (accepted) or WONT LOGOUT (refused). */
  answer(result: 'accepted' | 'refused'): void {
    clearTimeout(this.timer);
    this.options.report(result);
    if (result === 'refused') {
      this.state = 'none';
      return;
    }
    this.state = 'accepted';
    this.timer = setTimeout(() => this.options.end(), this.options.closeMs);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
