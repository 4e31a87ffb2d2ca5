import { MAX_U32 } from '@telgate/protocol';

/** Coalesce acknowledgements up to this many bytes while the terminal is busy (see docs/protocol.md). */
export const DEFAULT_ACK_THRESHOLD = 16 * 1024;

export type Scheduler = (task: () => void) => void;

/**
 * Flow control on the browser side: counts OUTPUT bytes the terminal has rendered and acknowledges
 * them to the gateway in batches.
 *
 * A batch goes out as soon as it reaches the threshold, and otherwise on the next microtask. xterm.js
 * calls the write callbacks of one parsing slice back to back, so a whole slice becomes one ACK, and no
 * rendered byte waits longer than the current task: once the write queue drains, everything rendered
 * has been acknowledged, which the protocol requires so that output can never stall for good.
 */
export class AckBatcher {
  private pending = 0;
  private scheduled = false;
  private disposed = false;

  constructor(
    private readonly sendAck: (count: number) => void,
    // Wrapped: queueMicrotask throws "Illegal invocation" when called as a method of another object.
    private readonly schedule: Scheduler = (task) => queueMicrotask(task),
    private readonly threshold: number = DEFAULT_ACK_THRESHOLD,
  ) {}

  /** The terminal finished rendering `count` more OUTPUT payload bytes. */
  rendered(count: number): void {
    if (this.disposed || count <= 0) return;
    this.pending += count;
    if (this.pending >= this.threshold) {
      this.flush();
      return;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  /** Bytes rendered and not yet acknowledged. */
  get unacknowledged(): number {
    return this.pending;
  }

  /** Sends every pending byte now (an ACK carries at most 2³²−1, so huge counts take several). */
  flush(): void {
    while (!this.disposed && this.pending > 0) {
      const count = Math.min(this.pending, MAX_U32);
      this.pending -= count;
      this.sendAck(count);
    }
  }

  /** Stops acknowledging: the connection these bytes belong to is gone. */
  dispose(): void {
    this.disposed = true;
    this.pending = 0;
  }
}
