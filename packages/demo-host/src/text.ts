/** Text helpers for what the demo host shows on a terminal. */

export const CRLF = '\r\n';
export const BELL = '\x07';

/** Telnet's NVT newline is CR LF: text written with `\n` goes out with `\r\n`. */
export function toCrlf(text: string): string {
  return text.replace(/\r?\n/g, CRLF);
}

/** SGR attributes (bold, colors) around `text`, reset after it. */
export function sgr(codes: string, text: string): string {
  return `\x1b[${codes}m${text}\x1b[0m`;
}

/**
 * A string from the client (terminal type, user name) made safe to print: anything but printable ASCII
 * becomes `?`, so a client cannot inject escape sequences into what the host shows, and it is bounded.
 */
export function printable(text: string, maxLength = 64): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > maxLength ? `${clean.slice(0, maxLength - 1)}…` : clean;
}

// Ranges for codePointWidth: a compact approximation of wcwidth, good enough to erase what was echoed.
const ZERO_WIDTH: ReadonlyArray<readonly [number, number]> = [
  [0x0300, 0x036f], // combining diacritical marks
  [0x0483, 0x0489],
  [0x0591, 0x05bd],
  [0x0610, 0x061a],
  [0x064b, 0x065f],
  [0x200b, 0x200f], // zero-width space, joiners, direction marks
  [0x20d0, 0x20ff],
  [0xfe00, 0xfe0f], // variation selectors
  [0xfe20, 0xfe2f],
  [0xfeff, 0xfeff],
  [0x1f3fb, 0x1f3ff], // emoji skin tones
  [0xe0100, 0xe01ef],
];

const DOUBLE_WIDTH: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], // Hangul Jamo
  [0x2e80, 0x303e], // CJK radicals, punctuation
  [0x3041, 0x33ff], // kana, CJK compatibility
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60], // fullwidth forms
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f], // emoji
  [0x1f900, 0x1f9ff],
  [0x1fa70, 0x1faff],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

function inRanges(cp: number, ranges: ReadonlyArray<readonly [number, number]>): boolean {
  for (const [low, high] of ranges) {
    if (cp < low) return false;
    if (cp <= high) return true;
  }
  return false;
}

/** Terminal columns one code point takes: 0 for controls and combining marks, 2 for wide (CJK, emoji). */
export function codePointWidth(cp: number): 0 | 1 | 2 {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp < 0x300) return 1;
  if (inRanges(cp, ZERO_WIDTH)) return 0;
  return inRanges(cp, DOUBLE_WIDTH) ? 2 : 1;
}

/** Terminal columns a string takes, ignoring escape sequences. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, ''))
    width += codePointWidth(ch.codePointAt(0)!);
  return width;
}

/** A duration for people: `250ms`, `45s`, `5m`, `1h 2m 3s`. */
export function formatDuration(ms: number): string {
  if (ms > 0 && ms < 1000) return `${Math.round(ms)}ms`;
  let seconds = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  const parts: string[] = [];
  if (hours > 0) parts.push(`${hours}h`);
  if (minutes > 0) parts.push(`${minutes}m`);
  if (seconds > 0 || parts.length === 0) parts.push(`${seconds}s`);
  return parts.join(' ');
}

/** Pads `text` with spaces to `width` columns. */
export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}
