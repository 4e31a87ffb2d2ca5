import {
  Bucky,
  ITP_BUCKY_FLAG,
  ITP_CURSOR_POSITION,
  ITP_ESCAPE,
  SUPDUP_ESCAPE,
  SUPDUP_LOCATION,
  SUPDUP_LOGOUT,
} from './constants.js';
import { sailCodeOf } from './output.js';

/** A key as the page sees it: a character and the modifiers held with it. */
export interface SupdupKey {
  /** One character (ASCII, or a Stanford/ITS graphic such as '→'), or a 7-bit code. */
  char: string | number;
  control?: boolean;
  meta?: boolean;
  /** Not in RFC 734 (bit 1000 is "reserved"); sent only with `superHyperBits`. */
  super?: boolean;
  /** Not in RFC 734 (bit 2000 is "reserved"); sent only with `superHyperBits`. */
  hyper?: boolean;
  /** [TOP]: the Stanford/ITS graphic rather than the ASCII control (RFC 734 "PRINTING CHARACTERS"). */
  top?: boolean;
}

export interface KeyEncoding {
  /** Bytes for the server; empty when the key cannot be sent. */
  bytes: Uint8Array;
  /** Modifiers that could not be sent with this terminal's options and were left out. */
  ignored: Array<'control' | 'meta' | 'super' | 'hyper' | 'top'>;
}

export interface InputOptions {
  /** %TOFCI is on: bucky bits go as 034 bits+0100 char. Otherwise keys are folded to 7-bit ASCII. */
  fullCharacterInput: boolean;
  /** Send Super and Hyper in the reserved bits 1000 and 2000 (Lisp Machine servers). */
  superHyperBits: boolean;
}

/** Plain 7-bit input with 034 doubled (RFC 734 "BUCKY BITS": 034 "must be quoted by being sent twice"). */
export function encodeAscii(code: number, into: number[]): void {
  into.push(code);
  if (code === ITP_ESCAPE) into.push(code);
}

/**
 * Text typed or pasted: each UTF-16 unit ≤ 0o177 is sent, 034 doubled; anything else cannot be typed on
 * a SUPDUP keyboard without bucky bits and is counted in `dropped`.
 */
export function encodeText(text: string): { bytes: Uint8Array; dropped: number } {
  const bytes: number[] = [];
  let dropped = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code <= 0o177) encodeAscii(code, bytes);
    else dropped++;
  }
  return { bytes: Uint8Array.from(bytes), dropped };
}

/**
 * RFC 734 "MAPPING BETWEEN CHARACTER SETS": CONTROL folded into 7-bit ASCII. Lower case is raised, then
 * 077–137 get the 100 bit complemented (so <CONTROL>? is RUBOUT) and 040 loses its 040 bit (NULL).
 */
export function foldControl(code: number): number {
  let ascii = code & Bucky.ASCII;
  if (ascii >= 0o141 && ascii <= 0o172) ascii -= 0o40;
  if (ascii >= 0o77 && ascii <= 0o137) return ascii ^ 0o100;
  if (ascii === 0o40) return 0;
  return ascii;
}

/** A key with modifiers, as RFC 734 "BUCKY BITS" sends it: 034, (bucky bits >> 7) | 0100, the 7-bit code. */
export function encodeKey(key: SupdupKey, options: InputOptions): KeyEncoding {
  const ignored: KeyEncoding['ignored'] = [];
  let code: number | undefined;
  let top = key.top ?? false;
  if (typeof key.char === 'number') {
    code = Number.isInteger(key.char) && key.char >= 0 && key.char <= 0o177 ? key.char : undefined;
  } else if (key.char.length === 1 && key.char.charCodeAt(0) <= 0o177) {
    code = key.char.charCodeAt(0);
  } else {
    // A Stanford/ITS graphic is its 7-bit code with [TOP] (RFC 734: "must have the %TXTOP bit on").
    code = sailCodeOf(key.char);
    if (code !== undefined) top = true;
  }
  if (code === undefined) return { bytes: new Uint8Array(0), ignored };

  if (!options.fullCharacterInput) {
    // A 7-bit keyboard: only CONTROL survives, folded into ASCII; TOP, META and the rest are dropped.
    if (top) ignored.push('top');
    if (key.meta) ignored.push('meta');
    if (key.super) ignored.push('super');
    if (key.hyper) ignored.push('hyper');
    const bytes: number[] = [];
    encodeAscii(key.control ? foldControl(code) : code, bytes);
    return { bytes: Uint8Array.from(bytes), ignored };
  }

  let bits = 0;
  if (top) bits |= Bucky.TOP;
  if (key.meta) bits |= Bucky.META;
  if (key.control) bits |= Bucky.CONTROL;
  if (options.superHyperBits) {
    if (key.super) bits |= Bucky.SFT;
    if (key.hyper) bits |= Bucky.SFL;
  } else {
    if (key.super) ignored.push('super');
    if (key.hyper) ignored.push('hyper');
  }
  if (bits === 0) {
    const bytes: number[] = [];
    encodeAscii(code, bytes);
    return { bytes: Uint8Array.from(bytes), ignored };
  }
  return { bytes: Uint8Array.of(ITP_ESCAPE, ITP_BUCKY_FLAG | (bits >> 7), code), ignored };
}

/** 034 020 vpos hpos: where the cursor is, in answer to %TDORS (RFC 734 "OUTPUT RESETS"). */
export function encodeCursorPosition(row: number, col: number): Uint8Array {
  return Uint8Array.of(ITP_ESCAPE, ITP_CURSOR_POSITION, row & 0o177, col & 0o177);
}

/** 300 301: log the remote job out (RFC 734). */
export function encodeLogout(): Uint8Array {
  return Uint8Array.of(SUPDUP_ESCAPE, SUPDUP_LOGOUT);
}

/** The longest console location sent; longer text is cut. */
export const MAX_LOCATION_LENGTH = 255;

/**
 * 300 302 text 000: the console location (RFC 734). Only printing ASCII is kept: the RFC forbids CR and
 * LF, and a NUL would end the text early.
 */
export function encodeLocation(location: string): Uint8Array {
  const bytes: number[] = [SUPDUP_ESCAPE, SUPDUP_LOCATION];
  for (let index = 0; index < location.length && bytes.length - 2 < MAX_LOCATION_LENGTH; index++) {
    const code = location.charCodeAt(index);
    if (code >= 0o40 && code < 0o177) bytes.push(code);
  }
  bytes.push(0);
  return Uint8Array.from(bytes);
}
