import iconv from 'iconv-lite';

/** Turns a host's bytes into UTF-8 for the terminal, keeping multi-byte characters split across chunks. */
export type HostDecoder = (bytes: Uint8Array) => Uint8Array;
/** Turns UTF-8 typed in the browser into the host's charset. */
export type HostEncoder = (utf8: Uint8Array) => Uint8Array;

export function isUtf8(charset: string): boolean {
  return /^utf-?8$/i.test(charset);
}

/**
 * UTF-8 hosts pass through untouched (xterm.js decodes UTF-8 itself, across writes), so the hot path does
 * no work; other charsets go through a streaming iconv-lite decoder.
 */
export function createHostDecoder(charset: string): HostDecoder {
  if (isUtf8(charset)) return (bytes) => bytes;
  const decoder = iconv.getDecoder(charset);
  return (bytes) =>
    Buffer.from(decoder.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)), 'utf8');
}

export function createHostEncoder(charset: string): HostEncoder {
  if (isUtf8(charset)) return (utf8) => utf8;
  return (utf8) =>
    iconv.encode(Buffer.from(utf8.buffer, utf8.byteOffset, utf8.length).toString('utf8'), charset);
}
