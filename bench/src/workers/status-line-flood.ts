/**
 * The echo-flood host's output: a log flood scrolling below a status line, where keystrokes are echoed.
 */

/** The flood scrolls rows 2 to the last; the cursor starts at row 2. */
export const STATUS_LINE_SETUP = '\x1b[2r\x1b[2;1H';

/**
 * The stream's data as the flood: lines that address the cursor (which would write over the status
 * line) and 0xFF bytes left out, cut into writes of about `sliceBytes` bytes that each end a line, so
 * that an echo is never written into the middle of an escape sequence.
 */
export function floodSlices(unitData: Buffer, sliceBytes = 16 * 1024): Buffer[] {
  const lines = unitData
    .toString('latin1')
    .split('\r\n')
    .filter((line) => line.length > 0 && !/\x1b\[\d+;\d+H/.test(line) && !line.includes('\xff'));
  const slices: Buffer[] = [];
  let slice = '';
  for (const line of lines) {
    slice += `${line}\r\n`;
    if (slice.length >= sliceBytes) {
      slices.push(Buffer.from(slice, 'latin1'));
      slice = '';
    }
  }
  if (slice.length > 0) slices.push(Buffer.from(slice, 'latin1'));
  return slices;
}

/** The n-th echo, written into the status line; the cursor and its attributes are put back after it. */
export function statusEcho(n: number): string {
  return `\x1b7\x1b[1;1H~${n}~\x1b[K\x1b8`;
}
