import iconv from 'iconv-lite';

/** Turns a host's bytes into UTF-8 for the terminal, keeping multi-byte characters split across chunks. */
export type HostDecoder = (bytes: Uint8Array) => Uint8Array;
/** Turns UTF-8 typed in the browser into the host's charset. */
export type HostEncoder = (utf8: Uint8Array) => Uint8Array;

export function isUtf8(charset: string): boolean {
  return /^utf-?8$/i.test(charset);
}

/**
 * For a single-byte charset (CP437, ISO-8859-x, KOI8-R…): the UTF-8 of each of the 256 bytes, four
 * bytes a slot, and its length. Undefined when some byte does not stand for one character on its own
 * (multi-byte charsets such as GBK or Shift_JIS).
 */
function singleByteTable(charset: string): { utf8: Uint8Array; lengths: Uint8Array } | undefined {
  const whole = [...iconv.decode(Buffer.from(Array.from({ length: 256 }, (_, k) => k)), charset)];
  if (whole.length !== 256) return undefined;
  const utf8 = new Uint8Array(256 * 4);
  const lengths = new Uint8Array(256);
  for (let b = 0; b < 256; b++) {
    const alone = iconv.decode(Buffer.of(b), charset);
    if (alone !== whole[b]) return undefined;
    const encoded = Buffer.from(alone, 'utf8');
    if (encoded.length > 3) return undefined;
    utf8.set(encoded, b * 4);
    lengths[b] = encoded.length;
  }
  return { utf8, lengths };
}

/**
 * UTF-8 hosts pass through untouched (xterm.js decodes UTF-8 itself, across writes), so the hot path does
 * no work. Single-byte charsets are turned into UTF-8 byte by byte from a table (one pass, no string in
 * between); other charsets go through a streaming iconv-lite decoder.
 */
export function createHostDecoder(charset: string): HostDecoder {
  if (isUtf8(charset)) return (bytes) => bytes;
  const table = singleByteTable(charset);
  if (table) {
    const { utf8, lengths } = table;
    const asciiAsIs = lengths.subarray(0, 0x80).every((n, b) => n === 1 && utf8[b * 4] === b);
    return (bytes) => {
      // At most three UTF-8 bytes a character (every single-byte charset stays in the BMP).
      const out = Buffer.allocUnsafe(bytes.length * 3);
      const n = bytes.length;
      let o = 0;
      let k = 0;
      // Runs of ASCII, which most charsets keep as is, are found four bytes at a time and copied at once.
      // Output parts are views of a chunk at any offset: the words start at the first aligned byte.
      const head = (4 - (bytes.byteOffset & 3)) & 3;
      const words =
        asciiAsIs && n > head
          ? new Int32Array(bytes.buffer, bytes.byteOffset + head, (n - head) >> 2)
          : undefined;
      while (k < n) {
        if (words !== undefined && k >= head && ((k - head) & 3) === 0) {
          let w = (k - head) >> 2;
          while (w < words.length && (words[w]! & 0x80808080) === 0) w++;
          const end = head + (w << 2);
          if (end > k) {
            out.set(bytes.subarray(k, end), o);
            o += end - k;
            k = end;
            if (k >= n) break;
          }
        }
        const b = bytes[k++]!;
        const at = b * 4;
        const length = lengths[b]!;
        out[o++] = utf8[at]!;
        if (length > 1) {
          out[o++] = utf8[at + 1]!;
          if (length > 2) out[o++] = utf8[at + 2]!;
        }
      }
      return out.subarray(0, o);
    };
  }
  const decoder = iconv.getDecoder(charset);
  return (bytes) =>
    Buffer.from(decoder.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)), 'utf8');
}

export function createHostEncoder(charset: string): HostEncoder {
  if (isUtf8(charset)) return (utf8) => utf8;
  return (utf8) =>
    iconv.encode(Buffer.from(utf8.buffer, utf8.byteOffset, utf8.length).toString('utf8'), charset);
}
