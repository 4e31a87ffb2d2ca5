/**
 * SUPDUP protocol numbers. Octal as in the RFCs, so each value can be checked against the text at a glance.
 */

/** %TD display codes sent by the server (RFC 734 "OUTPUT -- DISPLAY PROTOCOL"); every byte ≥ 0o200 is one. */
export const Td = {
  /** Cursor position: old vpos, old hpos, new vpos, new hpos. */
  MOV: 0o200,
  /** Internal motion code; if seen, two argument bytes, treated as %TDMV0 (RFC 734). */
  MV1: 0o201,
  EOF: 0o202,
  EOL: 0o203,
  DLF: 0o204,
  /** Printing-terminal paper motor off / on (ITS): no-ops on a display. */
  MTF: 0o205,
  MTN: 0o206,
  CRL: 0o207,
  NOP: 0o210,
  /** Backspace, line feed, carriage return: ITS internal codes, not in RFC 734, sent to printing terminals. */
  BS: 0o211,
  LF: 0o212,
  RCR: 0o213,
  ORS: 0o214,
  QOT: 0o215,
  FS: 0o216,
  MV0: 0o217,
  CLR: 0o220,
  BEL: 0o221,
  /** Reset the terminal to its initial state (ITS). */
  INI: 0o222,
  ILP: 0o223,
  DLP: 0o224,
  ICP: 0o225,
  DCP: 0o226,
  BOW: 0o227,
  RST: 0o230,
  /** Enter graphics mode (RFC 746, the SUPDUP graphics extension). */
  GRF: 0o231,
  /** Region scroll up / down (ITS): lines in the region (from the cursor line down), lines to scroll. */
  RSU: 0o232,
  RSD: 0o233,
} as const;

/** TTYOPT bits in the left half of the 36-bit word (RFC 734 "TTYOPT FUNCTION BITS"). */
export const TtyoptLeft = {
  /** %TOALT: 175 and 176 are converted to altmode on input. */
  ALT: 0o200000,
  /** %TOCLC: convert lower-case input to upper case. */
  CLC: 0o100000,
  /** %TOERS: can erase (%TDEOL, %TDDLF, %TDEOF). */
  ERS: 0o40000,
  /** %TOMVB: can move the cursor backwards. */
  MVB: 0o10000,
  /** %TOSAI: has the Stanford/ITS extended graphics character set. */
  SAI: 0o4000,
  /** %TOSA1: show 001–037 as SAIL graphics rather than uparrow + letter. */
  SA1: 0o2000,
  /** %TOOVR: can overprint. */
  OVR: 0o1000,
  /** %TOMVU: can move the cursor upwards. */
  MVU: 0o400,
  /** %TOMOR: **MORE** processing at the bottom of the screen. */
  MOR: 0o200,
  /** %TOROL: scroll rather than wrap to the top. */
  ROL: 0o100,
  /** %TOLWR: the keyboard generates lower case. */
  LWR: 0o20,
  /** %TOFCI: the keyboard generates CONTROL and META (bucky bits). */
  FCI: 0o10,
  /** %TOLID: line insert/delete (%TDILP, %TDDLP). */
  LID: 0o2,
  /** %TOCID: character insert/delete (%TDICP, %TDDCP). */
  CID: 0o1,
} as const;

/** TTYOPT bits in the right half (RFC 734; %TPPRN from RFC 747). */
export const TtyoptRight = {
  /** %TPPRN: swap parentheses and square brackets on input (RFC 747). */
  PRN: 0o200,
  /** %TPCBS: the intelligent terminal protocol is used. MUST be on. */
  CBS: 0o40,
  /** %TPORS: the server processes output resets. */
  ORS: 0o10,
} as const;

/** TCTYP must be %TNSFW (RFC 734). */
export const TCTYP_SOFTWARE = 7;

/** The 12-bit character's bucky bits (RFC 734 "BUCKY BITS"). */
export const Bucky = {
  TOP: 0o4000,
  /** Reserved in RFC 734; used for Hyper by Lisp Machine keyboards. */
  SFL: 0o2000,
  /** Reserved in RFC 734; used for Super by Lisp Machine keyboards. */
  SFT: 0o1000,
  META: 0o400,
  CONTROL: 0o200,
  ASCII: 0o177,
} as const;

/** The intelligent terminal protocol escape in the input stream (RFC 734). */
export const ITP_ESCAPE = 0o34;
/** 034 020 vpos hpos: the cursor position, sent in answer to %TDORS (RFC 734 "OUTPUT RESETS"). */
export const ITP_CURSOR_POSITION = 0o20;
/** The bucky-bit byte after 034 always has the 0100 bit on (RFC 734). */
export const ITP_BUCKY_FLAG = 0o100;

/** The escape for the user's two commands (RFC 734 "INITIALIZATION", last paragraph). */
export const SUPDUP_ESCAPE = 0o300;
export const SUPDUP_LOGOUT = 0o301;
export const SUPDUP_LOCATION = 0o302;

/** The Telnet option numbers (RFC 736, RFC 749), for callers that negotiate SUPDUP inside Telnet. */
export const TELNET_OPTION_SUPDUP = 21;
export const TELNET_OPTION_SUPDUP_OUTPUT = 22;

const TD_NAMES = new Map<number, string>(Object.entries(Td).map(([name, code]) => [code, `%TD${name}`]));

/** '%TDMOV' for 0o200 …, for traces and inspectors; undefined for a byte that is no known %TD code. */
export function tdCodeName(code: number): string | undefined {
  return TD_NAMES.get(code);
}
