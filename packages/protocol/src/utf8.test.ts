import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, encodeUtf8, utf8Length, writeUtf8 } from './utf8.js';

// Node's own codecs are the reference: Buffer encodes like TextEncoder, and a fatal TextDecoder
// accepts exactly the well-formed UTF-8 byte sequences.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
function referenceDecode(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Strings made of arbitrary UTF-16 code units, lone surrogates included. */
const anyUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)) });
/** Strings of well-formed code points from every UTF-8 length class. */
const anyCodePoints = fc.string({ unit: 'binary' });

describe('encodeUtf8', () => {
  it('encodes each length class', () => {
    expect([...encodeUtf8('A')]).toEqual([0x41]);
    expect([...encodeUtf8('é')]).toEqual([0xc3, 0xa9]);
    expect([...encodeUtf8('€')]).toEqual([0xe2, 0x82, 0xac]);
    expect([...encodeUtf8('😀')]).toEqual([0xf0, 0x9f, 0x98, 0x80]);
  });

  it('writes lone surrogates as U+FFFD, as TextEncoder does', () => {
    expect([...encodeUtf8('\ud800x')]).toEqual([0xef, 0xbf, 0xbd, 0x78]);
    expect([...encodeUtf8('x\udc00')]).toEqual([0x78, 0xef, 0xbf, 0xbd]);
    expect([...encodeUtf8('\udc00\ud800')]).toEqual([0xef, 0xbf, 0xbd, 0xef, 0xbf, 0xbd]);
  });

  it('matches Buffer on any string', () => {
    fc.assert(
      fc.property(fc.oneof(anyUnits, anyCodePoints), (text) => {
        const expected = Buffer.from(text, 'utf8');
        expect(utf8Length(text)).toBe(expected.length);
        expect(Buffer.from(encodeUtf8(text)).equals(expected)).toBe(true);
      }),
    );
  });

  it('writes at an offset and reports where it stopped', () => {
    const target = new Uint8Array(6).fill(0xaa);
    expect(writeUtf8('é€', target, 1)).toBe(6);
    expect([...target]).toEqual([0xaa, 0xc3, 0xa9, 0xe2, 0x82, 0xac]);
  });
});

describe('decodeUtf8', () => {
  it('round-trips well-formed text', () => {
    fc.assert(
      fc.property(anyCodePoints, (text) => {
        expect(decodeUtf8(encodeUtf8(text))).toBe(text);
      }),
    );
  });

  it('decodes text longer than one chunk', () => {
    const text = 'ab€😀'.repeat(5000);
    expect(decodeUtf8(Buffer.from(text))).toBe(text);
  });

  it.each([
    ['a stray continuation byte', [0x80]],
    ['a lead byte with no continuation', [0xc3]],
    ['a truncated 4-byte sequence', [0xf0, 0x9f, 0x98]],
    ['a lead byte followed by ASCII', [0xe2, 0x41, 0x41]],
    ['an overlong 2-byte form', [0xc0, 0xaf]],
    ['an overlong 3-byte form', [0xe0, 0x80, 0xaf]],
    ['an overlong 4-byte form', [0xf0, 0x80, 0x80, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a byte that never appears in UTF-8', [0xff]],
  ])('rejects %s', (_name, bytes) => {
    expect(referenceDecode(Uint8Array.from(bytes))).toBeUndefined();
    expect(decodeUtf8(Uint8Array.from(bytes))).toBeUndefined();
  });

  it('keeps a byte order mark', () => {
    expect(decodeUtf8(Uint8Array.from([0xef, 0xbb, 0xbf, 0x41]))).toBe('\ufeffA');
  });

  it('agrees with a strict TextDecoder on arbitrary bytes', () => {
    // Bias towards bytes that form (or almost form) multi-byte sequences.
    const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0x80, max: 0xbf }));
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 24 }), (values) => {
        const bytes = Uint8Array.from(values);
        expect(decodeUtf8(bytes)).toBe(referenceDecode(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with a strict TextDecoder on mutated valid text', () => {
    fc.assert(
      fc.property(anyCodePoints, fc.nat(), fc.integer({ min: 0, max: 255 }), (text, at, value) => {
        const bytes = encodeUtf8(text);
        if (bytes.length > 0) bytes[at % bytes.length] = value;
        expect(decodeUtf8(bytes)).toBe(referenceDecode(bytes));
      }),
    );
  });
});
