import { TCTYP_SOFTWARE, TtyoptLeft, TtyoptRight } from './constants.js';

/** 2^18: the left half of a 36-bit PDP-10 word is its value divided by this. */
const HALF = 0o1000000;

/** `left,,right` as one 36-bit number (exact: 2^36 < 2^53). */
export function halves(left: number, right: number): number {
  return (left % HALF) * HALF + (right % HALF);
}

/**
 * A 36-bit word as six bytes, each holding 6 bits in its low-order bits, most significant first
 * (RFC 734 "INITIALIZATION"). Arithmetic, not bit operators: those would truncate to 32 bits.
 */
export function wordToSixBitBytes(word: number, into: Uint8Array, offset: number): void {
  let rest = word;
  for (let index = 5; index >= 0; index--) {
    into[offset + index] = rest % 64;
    rest = Math.floor(rest / 64);
  }
}

/** The terminal descriptor variables, in the order the initialization sends them. */
export interface SupdupTerminalParameters {
  tctyp: number;
  ttyopt: number;
  /** Screen height in lines. */
  tcmxv: number;
  /** Line width minus one: the server never writes the last column. */
  tcmxh: number;
  /** Lines scrolled at a time; 0 = cannot scroll. */
  ttyrol: number;
  /** RFC 747: graphics capabilities (0 = no graphics extension), input and output baud rates (0 = unknown). */
  smarts?: number;
  ispeed?: number;
  ospeed?: number;
}

/** What the terminal is and what the user wants, in terms of TTYOPT bits (RFC 734 p. 5–6, RFC 747). */
export interface TtyoptChoices {
  /** %TOFCI: send CONTROL/META as bucky bits (default true: the page can report modifiers). */
  fullCharacterInput?: boolean;
  /** %TOSAI: the terminal shows the Stanford/ITS graphics for 000–037 and 177 (default false). */
  sailCharacters?: boolean;
  /** %TOSA1: the server sends 001–037 as those graphics instead of ^X (default false). */
  sailControlDisplay?: boolean;
  /** %TOMOR: **MORE** processing; RFC 734 says normally on (default true). */
  more?: boolean;
  /** %TOROL: scroll at the bottom instead of wrapping to the top; RFC 734 says normally off (default false). */
  scroll?: boolean;
  /** %TOALT: 175/176 read as altmode (default false). */
  altmodeConversion?: boolean;
  /** %TOCLC: upper-case all input (default false). */
  upperCaseInput?: boolean;
  /** %TPPRN: swap parentheses and brackets on input (RFC 747, default false). */
  swapParentheses?: boolean;
  /** %TPORS: the server handles output resets; RFC 734 "HIGHLY RECOMMENDED" (default true). */
  outputResets?: boolean;
}

/**
 * TTYOPT for xterm.js: it erases (%TOERS), moves backwards and up (%TOMVB, %TOMVU), inserts and deletes
 * lines and characters (%TOLID, %TOCID), and its keyboard has lower case (%TOLWR). It cannot overprint,
 * so %TOOVR stays off. %TPCBS is mandatory.
 */
export function buildTtyopt(choices: TtyoptChoices = {}): number {
  let left =
    TtyoptLeft.ERS | TtyoptLeft.MVB | TtyoptLeft.MVU | TtyoptLeft.LWR | TtyoptLeft.LID | TtyoptLeft.CID;
  if (choices.fullCharacterInput ?? true) left |= TtyoptLeft.FCI;
  if (choices.sailCharacters ?? false) left |= TtyoptLeft.SAI;
  if (choices.sailControlDisplay ?? false) left |= TtyoptLeft.SA1;
  if (choices.more ?? true) left |= TtyoptLeft.MOR;
  if (choices.scroll ?? false) left |= TtyoptLeft.ROL;
  if (choices.altmodeConversion ?? false) left |= TtyoptLeft.ALT;
  if (choices.upperCaseInput ?? false) left |= TtyoptLeft.CLC;
  let right = TtyoptRight.CBS;
  if (choices.outputResets ?? true) right |= TtyoptRight.ORS;
  if (choices.swapParentheses ?? false) right |= TtyoptRight.PRN;
  return halves(left, right);
}

/** RFC 734 coordinates are "sometimes represented in only 7 bits": past 128 lines or columns things break. */
export const MAX_DIMENSION = 128;

/** The screen the engine works with: clamped to what SUPDUP can address. */
export function clampScreen(cols: number, rows: number): { cols: number; rows: number } {
  const clamp = (value: number, low: number) =>
    Number.isFinite(value) ? Math.min(MAX_DIMENSION, Math.max(low, Math.floor(value))) : low;
  // Two columns at least, so TCMXH (width − 1) is at least 1.
  return { cols: clamp(cols, 2), rows: clamp(rows, 1) };
}

/** The descriptor variables for a screen of `cols` × `rows` (already clamped). */
export function terminalParameters(
  cols: number,
  rows: number,
  ttyopt: number,
  extra: { rfc747?: boolean; smarts?: number; ispeed?: number; ospeed?: number } = {},
): SupdupTerminalParameters {
  const parameters: SupdupTerminalParameters = {
    tctyp: TCTYP_SOFTWARE,
    ttyopt,
    tcmxv: rows,
    // RFC 734: "one less than the screen width"; the last column is never written, so nothing auto-wraps.
    tcmxh: cols - 1,
    // xterm.js scrolls one line at a time.
    ttyrol: 1,
  };
  if (extra.rfc747 ?? true) {
    parameters.smarts = extra.smarts ?? 0;
    parameters.ispeed = extra.ispeed ?? 0;
    parameters.ospeed = extra.ospeed ?? 0;
  }
  return parameters;
}

/**
 * The initialization block: −count,,0 then each variable, every word as six 6-bit bytes (RFC 734).
 * With the RFC 747 variables the count is −8 (RFC 747: "-10,,0, or, in octal, 777770000000").
 */
export function encodeInitialization(parameters: SupdupTerminalParameters): Uint8Array {
  const values = [parameters.tctyp, parameters.ttyopt, parameters.tcmxv, parameters.tcmxh, parameters.ttyrol];
  if (parameters.smarts !== undefined || parameters.ispeed !== undefined || parameters.ospeed !== undefined) {
    values.push(parameters.smarts ?? 0, parameters.ispeed ?? 0, parameters.ospeed ?? 0);
  }
  const bytes = new Uint8Array(6 * (values.length + 1));
  // −n in 18-bit two's complement, in the left half; the right half is ignored and sent as 0.
  wordToSixBitBytes(halves(HALF - values.length, 0), bytes, 0);
  values.forEach((value, index) => {
    wordToSixBitBytes(value, bytes, 6 * (index + 1));
  });
  return bytes;
}
