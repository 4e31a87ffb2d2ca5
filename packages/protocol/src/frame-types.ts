/**
 * Wire constants of the telgate.v1 WebSocket protocol. Every message is a binary WebSocket message
 * whose first byte is the frame type; the high bit tells the direction (0 = browser → gateway,
 * 1 = gateway → browser).
 */

/** The WebSocket subprotocol both ends must agree on (Sec-WebSocket-Protocol): the first revision. */
export const SUBPROTOCOL = 'telgate.v1';

/**
 * The second revision: `telgate.v1` plus sessions that survive their socket (RESUME, SCREEN, the
 * `resume` field of STATE and the `resumed`/`output-skipped` notices). A gateway speaks both; a
 * client offers both, newest first, and reads `WebSocket.protocol` to learn which one it got.
 */
export const SUBPROTOCOL_V2 = 'telgate.v2';

/** Every subprotocol this code speaks, newest first (what a client offers). */
export const SUBPROTOCOLS = [SUBPROTOCOL_V2, SUBPROTOCOL] as const;

export type Subprotocol = (typeof SUBPROTOCOLS)[number];

/** Frame types the browser sends to the gateway. */
export const ClientFrameType = {
  INPUT: 0x01,
  RESIZE: 0x02,
  ACTION: 0x03,
  ACK: 0x04,
  SETTINGS: 0x05,
  /** telgate.v2: attach this socket to a detached session instead of opening a new one. */
  RESUME: 0x06,
} as const;

/** Frame types the gateway sends to the browser. */
export const ServerFrameType = {
  OUTPUT: 0x81,
  STATE: 0x82,
  OPTION: 0x83,
  TRACE: 0x84,
  LOGOUT_RESULT: 0x85,
  NOTICE: 0x86,
  SETTINGS: 0x87,
  /** telgate.v2: the terminal's whole state (screen, scrollback, modes) to draw from a reset terminal. */
  SCREEN: 0x88,
  HEARTBEAT: 0x89,
} as const;

/** Size of the frame-type byte that precedes every payload. */
export const FRAME_HEADER_SIZE = 1;

/** Where an INPUT frame's payload starts: fill a buffer from here, then call `writeInputHeader`. */
export const INPUT_HEADER_SIZE = FRAME_HEADER_SIZE;

/** Where an OUTPUT frame's payload starts: fill a buffer from here, then call `writeOutputHeader`. */
export const OUTPUT_HEADER_SIZE = FRAME_HEADER_SIZE;

/** Where a SCREEN frame's terminal text starts (type, u16 cols, u16 rows). */
export const SCREEN_HEADER_SIZE = FRAME_HEADER_SIZE + 4;

/** The largest value of a u16 field (RESIZE columns and rows). */
export const MAX_U16 = 0xffff;

/** The largest value of a u32 field (ACK count). */
export const MAX_U32 = 0xffffffff;

/** What the user can ask the gateway to do with the session (ACTION frame). */
export const Action = {
  /** Ask the host to log the user out (DO LOGOUT, RFC 727); answered by a LOGOUT_RESULT frame. */
  LOGOUT: 'logout',
  /** Interrupt Process (IAC IP), usually what Ctrl-C means to the host. */
  INTERRUPT: 'interrupt',
  /** Abort Output (IAC AO): the host discards output it has not sent yet. */
  ABORT_OUTPUT: 'abort-output',
  /** Are You There (IAC AYT): the host answers with visible text. */
  ARE_YOU_THERE: 'are-you-there',
  /** Break (IAC BRK). */
  BREAK: 'break',
  /** Erase Character (IAC EC). */
  ERASE_CHAR: 'erase-char',
  /** Erase Line (IAC EL). */
  ERASE_LINE: 'erase-line',
  /** Synch (IAC DM, RFC 854): the host discards input up to the Data Mark. */
  SYNCH: 'synch',
  /** No Operation (IAC NOP), e.g. to keep a connection alive. */
  NOP: 'nop',
  /** End of Record (IAC EOR, RFC 885). */
  END_OF_RECORD: 'end-of-record',
  /** Answer the host's auto-logout warning (WILL LOGOUT) with DONT LOGOUT, to stay logged in. */
  STAY_LOGGED_IN: 'stay-logged-in',
  /** Go Ahead (IAC GA). */
  GO_AHEAD: 'go-ahead',
} as const;

export type Action = (typeof Action)[keyof typeof Action];

/** The byte that stands for each action in an ACTION frame. */
export const ACTION_CODES = {
  logout: 0x01,
  interrupt: 0x02,
  'abort-output': 0x03,
  'are-you-there': 0x04,
  break: 0x05,
  'erase-char': 0x06,
  'erase-line': 0x07,
  synch: 0x08,
  nop: 0x09,
  'end-of-record': 0x0a,
  'stay-logged-in': 0x0b,
  'go-ahead': 0x0c,
} as const satisfies Record<Action, number>;

/** How the host answered a LOGOUT action (LOGOUT_RESULT frame). */
export const LogoutResult = {
  /** The host agreed (WILL LOGOUT) and is ending the session. */
  ACCEPTED: 'accepted',
  /** The host declined (WONT LOGOUT); the session goes on. */
  REFUSED: 'refused',
  /** The host did not answer in time; the session goes on. */
  TIMED_OUT: 'timed-out',
} as const;

export type LogoutResult = (typeof LogoutResult)[keyof typeof LogoutResult];

/** The byte that stands for each logout result. */
export const LOGOUT_RESULT_CODES = {
  accepted: 0x01,
  refused: 0x02,
  'timed-out': 0x03,
} as const satisfies Record<LogoutResult, number>;

/**
 * Which side of the Telnet connection an option belongs to (OPTION frame), named as in
 * `@telgate/telnet-core`: `local` is the gateway's side ("us", WILL/WONT), `remote` the host's
 * ("him", DO/DONT).
 */
export type OptionSide = 'local' | 'remote';

/** The byte that stands for each option side. */
export const OPTION_SIDE_CODES = { local: 0x00, remote: 0x01 } as const satisfies Record<OptionSide, number>;

/** Which way a traced Telnet command went (TRACE frame): `in` from the host, `out` to the host. */
export type TraceDirection = 'in' | 'out';

/** The byte that stands for each trace direction. */
export const TRACE_DIRECTION_CODES = { in: 0x00, out: 0x01 } as const satisfies Record<
  TraceDirection,
  number
>;

/** Maps each wire byte of a code table back to its name; any other byte gives undefined. */
export function reverseCodes<Name extends string>(
  codes: Record<Name, number>,
): readonly (Name | undefined)[] {
  const names: (Name | undefined)[] = new Array(256).fill(undefined);
  for (const name of Object.keys(codes) as Name[]) names[codes[name]] = name;
  return names;
}
