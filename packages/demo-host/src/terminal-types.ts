/** Most TTYPE SENDs one session makes, whatever the client answers. */
const MAX_REQUESTS = 12;

/**
 * Learns the client's list of terminal types (RFC 1091). Each TTYPE SEND gets the next type; the client
 * repeats the last one to mark the end of its list, and the next answer starts over. The host keeps asking
 * until the client is back at its first (most preferred) type, since the type in use is the last one sent.
 */
export class TerminalTypeCycle {
  /** The client's types, most preferred first, as learned so far. */
  readonly offered: string[] = [];
  /** The type in effect: the last one the client sent. */
  current: string | undefined;
  done = false;
  private requests = 0;
  private listComplete = false;

  /** Call before each TTYPE SEND. */
  noteRequest(): void {
    this.requests++;
  }

  /** Records one TTYPE IS; true when another TTYPE SEND should follow. */
  receive(name: string): boolean {
    if (this.done) return false;
    this.current = name;
    const first = this.offered[0];
    const last = this.offered[this.offered.length - 1];
    if (first === undefined) {
      this.offered.push(name);
    } else if (sameType(name, first)) {
      // Back at the start (or a client with a single type, which repeats it at once).
      this.done = true;
    } else if (sameType(name, last!)) {
      this.listComplete = true;
    } else if (!this.listComplete) {
      this.offered.push(name);
    }
    if (this.requests >= MAX_REQUESTS) this.done = true;
    return !this.done;
  }

  /** The client stopped doing TTYPE: settle with what was learned. */
  abandon(): void {
    this.done = true;
  }
}

function sameType(a: string, b: string): boolean {
  return a.toUpperCase() === b.toUpperCase();
}
