import type { TelnetWarningCode } from '@telgate/telnet-core';
import { RateWindow } from './rate-window.js';

export interface HostAbuseOptions {
  /** After a subnegotiation passed the engine's cap, this many more bytes without its end is abuse. */
  readonly maxDiscardedSubnegotiationBytes: number;
  /** More negotiation violations than this in a second (a loop the Q method cannot have) is abuse. */
  readonly maxViolationsPerSecond: number;
  readonly onAbuse: (detail: string) => void;
}

/**
 * Tells real abuse from a busy host. Bulk commands are only throttled (see CommandThrottle); what no
 * legitimate host sends ends the session: a negotiation loop (the peer answering our refusal by
 * enabling, again and again), or a subnegotiation that goes on without end after the engine's cap.
 */
export class HostAbuseGuard {
  private readonly violations: RateWindow;
  private overflowing = false;
  private spokeSinceOverflow = false;
  private discarded = 0;
  private reported = false;

  constructor(private readonly options: HostAbuseOptions) {
    this.violations = new RateWindow(options.maxViolationsPerSecond);
  }

  warning(code: TelnetWarningCode): void {
    if (code === 'TELNET_ERR_SB_OVERFLOW') {
      this.overflowing = true;
      this.spokeSinceOverflow = false;
      this.discarded = 0;
    } else if (code === 'TELNET_ERR_NEGOTIATION_VIOLATION' && !this.violations.take()) {
      this.abuse(`more than ${this.options.maxViolationsPerSecond} negotiation violations in a second`);
    }
  }

  /** The engine produced data or a complete command: no subnegotiation is running on without end. */
  spoke(): void {
    this.spokeSinceOverflow = true;
  }

  /** Called once the engine has handled a host chunk of `bytes`. */
  afterChunk(bytes: number): void {
    if (!this.overflowing) return;
    if (this.spokeSinceOverflow) {
      this.overflowing = false;
      return;
    }
    this.discarded += bytes;
    if (this.discarded > this.options.maxDiscardedSubnegotiationBytes) {
      this.abuse(
        `a subnegotiation went on for more than ${this.options.maxDiscardedSubnegotiationBytes} bytes past its cap`,
      );
    }
  }

  private abuse(detail: string): void {
    if (this.reported) return;
    this.reported = true;
    this.options.onAbuse(detail);
  }
}
