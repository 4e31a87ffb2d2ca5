import type { Side } from '@telgate/telnet-core';

export interface WindowSize {
  readonly cols: number;
  readonly rows: number;
}

/** What the banner and the commands may know about a session: read live, never stale. */
export interface SessionView {
  /** The terminal type in effect (the last one the client sent), already safe to print. */
  readonly terminalType: string | undefined;
  /** All the types the client offered, most preferred first. */
  readonly terminalTypes: readonly string[];
  /** From NAWS; undefined until the client sends it. */
  readonly windowSize: WindowSize | undefined;
  /** USER from NEW-ENVIRON, safe to print. */
  readonly user: string | undefined;
  /** The character set agreed with CHARSET (RFC 2066), if the client negotiated one. */
  readonly charset: string | undefined;
  isEnabled(side: Side, option: number): boolean;
  /** Telnet protocol errors the client made (malformed commands and the like). */
  readonly protocolWarnings: number;
  readonly idleWarningMs: number;
  readonly logoutGraceMs: number;
  /** Time since the last input from the user. */
  readonly idleForMs: number;
  readonly connectedForMs: number;
}
