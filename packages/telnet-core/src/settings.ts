/**
 * The engine's settings and option policy: what the core, the option handlers and users share, with no
 * code of either.
 */

/**
 * What this end does with one side of an option:
 * - `refuse`: never enable it (answer requests with DONT/WONT).
 * - `accept`: agree when the peer asks.
 * - `request`: agree when asked, and ask for it ourselves when the connection starts (active start).
 */
export type OptionSupport = 'refuse' | 'accept' | 'request';

export interface OptionPolicy {
  /** Us: may we enable it (WILL)? */
  local: OptionSupport;
  /** The peer: may the peer enable it (DO)? */
  remote: OptionSupport;
}

/** Per-option policy; options not listed are refused on both sides. */
export type PolicyTable = Readonly<Record<number, Readonly<Partial<OptionPolicy>>>>;

/**
 * How an end of line typed by the user (CR from the keyboard) is sent in NVT mode (RFC 1123 §3.3.1): CR LF,
 * CR NUL (RFC 854), or a bare LF. The one list of them: the frame protocol and the gateway's
 * configuration take it from here.
 */
export const EOL_MODES = ['crlf', 'crnul', 'lf'] as const;
export type EolMode = (typeof EOL_MODES)[number];

/**
 * `active`: offer our `request` options as soon as `start()` is called (the usual mode on port 23).
 * `passive`: send nothing until the peer negotiates first, so a raw TCP service never sees an IAC byte.
 */
export type StartMode = 'active' | 'passive';

/**
 * How a bare 0xF2 in NVT data is read. A Synch arrives as TCP urgent data whose urgent byte is the IAC of
 * `IAC DM`; a socket without SO_OOBINLINE drops that byte and leaves a bare 0xF2 in the stream.
 * - `utf8`: a 0xF2 that is not followed by a UTF-8 continuation byte (0x80–0xBF) is a lost DM. Valid UTF-8 is never touched.
 * - `expected`: only while a Synch is expected (after we sent IP, AO, AYT, BRK or a ^C/^O/^\ in data), for single-byte charsets.
 * - `off`: every byte is data.
 * In BINARY mode every byte is data whatever this says.
 */
export type LostDmMode = 'utf8' | 'expected' | 'off';

export interface TelnetEngineOptions {
  /** Picks the default option policy: `client` (a terminal; default) or `server` (a host). */
  role?: 'client' | 'server';
  /** Per-option overrides merged over the role's default policy. */
  policy?: PolicyTable;
  start?: StartMode;
  eol?: EolMode;
  /** Terminal types offered in turn to TTYPE SEND (RFC 1091). */
  terminalTypes?: readonly string[];
  windowSize?: { cols: number; rows: number };
  /** TSPEED answer, "transmit,receive" in bit/s. */
  terminalSpeed?: string;
  /** NEW-ENVIRON variables we disclose (only these; USER among them if set). */
  environ?: Readonly<Record<string, string>>;
  /**
   * Character sets we accept in a CHARSET REQUEST (compared without regard to case). The requester lists its
   * sets most preferred first (RFC 2066 §2), so we accept the first of *its* list that is among these; the
   * order of this list does not matter.
   */
  charsets?: readonly string[];
  /** Largest subnegotiation kept, in bytes; larger ones are dropped whole with one warning. */
  maxSubnegotiation?: number;
  lostDm?: LostDmMode;
}
