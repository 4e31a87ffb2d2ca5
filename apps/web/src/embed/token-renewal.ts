/**
 * An embedded terminal's access token, renewed by its parent page. When the gateway refuses the token
 * (expired, or not valid), the terminal says so (`telgate:token-expired`) and waits for the parent's
 * `telgate:token`, then connects with the fresh token. A fresh token that is refused as well is not
 * asked for again by itself (no loop between a parent and a gateway that disagree): the next connect
 * the user or the parent asks for starts over.
 */

/** The gateway codes that mean "this token will not do". */
export const TOKEN_REFUSED_CODES: ReadonlySet<string> = new Set([
  'GW_ERR_TOKEN_EXPIRED',
  'GW_ERR_AUTH_FAILED',
]);

export interface TokenRenewalOptions {
  readonly initialToken: string | undefined;
  /** Opens the session with this token. */
  readonly connect: (token: string | undefined) => void;
  /** Asks the parent for a fresh token; false when there is no parent to ask. */
  readonly askParent: (code: string, reason: string) => boolean;
}

export class TokenRenewal {
  private current: string | undefined;
  /** The current token was refused: connecting with it again is pointless. */
  private refused = false;
  /** A token was asked for: connect as soon as it comes. */
  private waiting = false;
  /** The current token was the answer to an ask. */
  private renewed = false;

  constructor(private readonly options: TokenRenewalOptions) {
    this.current = options.initialToken;
  }

  get token(): string | undefined {
    return this.current;
  }

  get waitingForToken(): boolean {
    return this.waiting;
  }

  /** A connect the user or the parent asked for, optionally with a new token. */
  connect(token?: string): void {
    this.renewed = false;
    if (token !== undefined) {
      this.current = token;
      this.refused = false;
    }
    if (this.refused && this.ask('GW_ERR_TOKEN_EXPIRED', 'The access token was refused.')) return;
    this.waiting = false;
    this.options.connect(this.current);
  }

  /** The parent's `telgate:token`. */
  tokenArrived(token: string): void {
    this.current = token;
    this.refused = false;
    if (!this.waiting) return;
    this.waiting = false;
    this.renewed = true;
    this.options.connect(token);
  }

  connected(): void {
    this.refused = false;
    this.renewed = false;
  }

  /** A session ended (`code`: its GW_ERR_… code, if any). */
  closed(code: string | undefined, reason: string): void {
    if (code === undefined || !TOKEN_REFUSED_CODES.has(code)) return;
    this.refused = true;
    if (this.renewed) {
      // The renewed token was refused too: tell the parent, but wait for a connect before asking again.
      this.renewed = false;
      this.options.askParent(code, reason);
      return;
    }
    this.ask(code, reason);
  }

  private ask(code: string, reason: string): boolean {
    const asked = this.options.askParent(code, reason);
    this.waiting = asked;
    return asked;
  }
}
