/** Key sequences for the on-screen key bar, and Ctrl combinations for touch keyboards without Ctrl. */

export const ESCAPE = '\x1b';
export const TAB = '\t';

export type ArrowDirection = 'up' | 'down' | 'right' | 'left';

const ARROW_FINAL: Record<ArrowDirection, string> = { up: 'A', down: 'B', right: 'C', left: 'D' };

/** An arrow key as xterm sends it: ESC O x in application cursor mode (DECCKM), else ESC [ x. */
export function arrowKey(direction: ArrowDirection, applicationCursorMode: boolean): string {
  return `${ESCAPE}${applicationCursorMode ? 'O' : '['}${ARROW_FINAL[direction]}`;
}

/** Characters that Ctrl turns into a C0 control beyond the letters, as on a VT100 keyboard. */
const CTRL_SYMBOLS: Record<string, string> = {
  ' ': '\x00',
  '@': '\x00',
  '2': '\x00',
  '[': '\x1b',
  '3': '\x1b',
  '\\': '\x1c',
  '4': '\x1c',
  ']': '\x1d',
  '5': '\x1d',
  '^': '\x1e',
  '6': '\x1e',
  _: '\x1f',
  '-': '\x1f',
  '7': '\x1f',
  '?': '\x7f',
  '8': '\x7f',
};

/**
 * What a single typed character becomes with Ctrl held (the key bar's sticky Ctrl): a letter gives
 * its control code (Ctrl-C is 0x03), some symbols give the others. Anything else passes unchanged.
 */
export function withCtrl(data: string): string {
  if (data.length !== 1) return data;
  const code = data.charCodeAt(0);
  if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a))
    return String.fromCharCode(code & 0x1f);
  return CTRL_SYMBOLS[data] ?? data;
}
