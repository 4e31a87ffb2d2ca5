import { seededRandom } from '@telgate/test-peers';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { createHostDecoder } from './charset.js';

/** Single-byte charsets (decoded from a table) and multi-byte ones (decoded by iconv-lite, streaming). */
const CHARSETS = [
  'CP437',
  'ISO-8859-1',
  'ISO-8859-15',
  'CP866',
  'KOI8-R',
  'windows-1252',
  'GBK',
  'Shift_JIS',
  'Big5',
];

describe('createHostDecoder', () => {
  it.each(CHARSETS)('turns %s into the same UTF-8 as iconv-lite, however the bytes are split', (charset) => {
    const random = seededRandom(charset.length);
    const bytes = Buffer.from(Array.from({ length: 20_000 }, () => Math.floor(random() * 256)));
    bytes[bytes.length - 1] = 0x41; // ends on a whole character: nothing left pending
    const expected = Buffer.from(iconv.decode(bytes, charset), 'utf8');
    const decode = createHostDecoder(charset);
    const parts: Uint8Array[] = [];
    for (let o = 0; o < bytes.length; ) {
      const size = 1 + Math.floor(random() * 700);
      parts.push(decode(bytes.subarray(o, o + size)));
      o += size;
    }
    expect(Buffer.concat(parts).equals(expected)).toBe(true);
  });

  it.each(CHARSETS)(
    'turns %s text (mostly ASCII, in aligned and unaligned chunks) into the same UTF-8',
    (charset) => {
      const random = seededRandom(charset.length + 1);
      // Lines of ASCII with a non-ASCII byte now and then, as a host writes them.
      const bytes = Buffer.from(
        Array.from({ length: 70_000 }, (_, k) =>
          random() < 0.02 ? 0x80 + Math.floor(random() * 128) : 0x20 + (k % 90),
        ),
      );
      bytes[bytes.length - 1] = 0x41;
      const expected = Buffer.from(iconv.decode(bytes, charset), 'utf8');
      for (const size of [4096, 4097, 65_536]) {
        const decode = createHostDecoder(charset);
        const parts: Uint8Array[] = [];
        // Fresh buffers, as a socket delivers them (aligned), cut at every size.
        for (let o = 0; o < bytes.length; o += size)
          parts.push(decode(Uint8Array.from(bytes.subarray(o, o + size))));
        expect(Buffer.concat(parts).equals(expected), `${size}-byte chunks`).toBe(true);
      }
      // Views at every alignment, as the Telnet engine hands on the data between two commands.
      for (const offset of [1, 2, 3]) {
        const decode = createHostDecoder(charset);
        const padded = new Uint8Array(offset + bytes.length);
        padded.set(bytes, offset);
        const decoded = decode(padded.subarray(offset));
        expect(Buffer.from(decoded).equals(expected), `a view at offset ${offset}`).toBe(true);
      }
    },
  );
});
