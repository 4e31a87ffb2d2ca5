/** Bulk output of the `flood` and `count` commands, produced chunk by chunk so flow control can pace it. */

/** Bytes handed to the socket at a time; a multiple of the flood line so lines never straddle chunks. */
export const STREAM_CHUNK_BYTES = 64 * 1024;

/** Every `flood` line is this long, CR LF included, so N KiB is exactly N × 16 lines. */
export const FLOOD_LINE_BYTES = 64;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LETTERS_PER_LINE = FLOOD_LINE_BYTES - 11; // 8 digits, a space, the letters, CR LF
const LINES_PER_CHUNK = STREAM_CHUNK_BYTES / FLOOD_LINE_BYTES;

/**
 * Flood lines for every rotation of the alphabet in turn, as many as a chunk needs from any starting
 * rotation, with the line numbers left blank: a chunk is one copy out of it, then the digits.
 */
const FLOOD_TEMPLATE = (() => {
  const lines = Math.ceil((ALPHABET.length + LINES_PER_CHUNK) / ALPHABET.length) * ALPHABET.length;
  const doubled = ALPHABET + ALPHABET;
  let text = '';
  for (let k = 0; k < lines; k++) {
    const start = k % ALPHABET.length;
    text += `00000000 ${doubled.slice(start, start + LETTERS_PER_LINE)}\r\n`;
  }
  return Buffer.from(text, 'latin1');
})();

/**
 * `flood N`: exactly N KiB. Line i (from 1) is i as 8 digits (modulo 10^8), a space, 53 letters of the
 * alphabet A–Z a–z 0–9 starting at letter (i − 1) mod 62, and CR LF — so a receiver can check that every
 * byte arrived, in order, without being sent a copy.
 */
export function* floodChunks(kib: number): Generator<Uint8Array, void, undefined> {
  const lines = kib * (1024 / FLOOD_LINE_BYTES);
  for (let first = 1; first <= lines; first += LINES_PER_CHUNK) {
    const count = Math.min(LINES_PER_CHUNK, lines - first + 1);
    const chunk = Buffer.allocUnsafe(count * FLOOD_LINE_BYTES);
    const from = ((first - 1) % ALPHABET.length) * FLOOD_LINE_BYTES;
    FLOOD_TEMPLATE.copy(chunk, 0, from, from + chunk.length);
    for (let k = 0; k < count; k++) {
      let n = first + k;
      for (let at = k * FLOOD_LINE_BYTES + 7; at >= k * FLOOD_LINE_BYTES; at--) {
        chunk[at] = 0x30 + (n % 10);
        n = (n - (n % 10)) / 10;
      }
    }
    yield chunk;
  }
}

/** `count N`: the numbers 1 to N, one a line. */
export function* countChunks(n: number): Generator<Uint8Array, void, undefined> {
  let text = '';
  for (let i = 1; i <= n; i++) {
    text += `${i}\r\n`;
    if (text.length >= STREAM_CHUNK_BYTES) {
      yield Buffer.from(text, 'latin1');
      text = '';
    }
  }
  if (text !== '') yield Buffer.from(text, 'latin1');
}

/** True when NVT encoding would leave the bytes as they are: no IAC, and every CR starts a CR LF. */
export function passesNvtUnchanged(bytes: Uint8Array): boolean {
  if (bytes.indexOf(0xff) >= 0) return false;
  for (let cr = bytes.indexOf(0x0d); cr >= 0; cr = bytes.indexOf(0x0d, cr + 2)) {
    if (bytes[cr + 1] !== 0x0a) return false;
  }
  return true;
}
