import { seededRandom } from '@telgate/test-peers';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  CP437_GLYPHS,
  charsetProblem,
  createHostDecoder,
  createHostEncoder,
  HostCharset,
  pcControlGlyph,
} from './charset.js';

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

const PC_GLYPHS = '☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼';

describe('CP437-glyphs (BBS mode)', () => {
  /** Every byte 0x00–0xFF, then ANSI art as a BBS sends it. */
  const bytes = Buffer.concat([
    Buffer.from(Array.from({ length: 256 }, (_, k) => k)),
    Buffer.from('\x1b[1;33m\x01 \x03\x1b[0m\r\n\xc9\xcd\xbb\x07\x08\x09\x0b\x0c\x7f', 'latin1'),
  ]);

  /** What a PC shows for `bytes`: CP437, with the controls a terminal does not act on as glyphs. */
  function expected(input: Uint8Array): string {
    return [...input]
      .map((b) => {
        if ([0x00, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1b].includes(b)) return String.fromCharCode(b);
        if (b >= 0x01 && b <= 0x1f) return PC_GLYPHS[b - 1]!;
        if (b === 0x7f) return '⌂';
        return iconv.decode(Buffer.of(b), 'CP437');
      })
      .join('');
  }

  it('draws 0x01–0x1F and 0x7F as the PC glyphs, and keeps the controls a terminal acts on', () => {
    const decoded = Buffer.from(createHostDecoder(CP437_GLYPHS)(Buffer.of(1, 2, 3, 4, 5, 6))).toString();
    expect(decoded).toBe('☺☻♥♦♣♠');
    for (let b = 0; b < 0x20; b++)
      expect(pcControlGlyph(b), `byte ${b}`).toBe(expected(Buffer.of(b)).match(/[^\x00-\x1f]/u)?.[0]);
    expect(pcControlGlyph(0x7f)).toBe('⌂');
    expect(pcControlGlyph(0x41)).toBeUndefined();
  });

  it('decodes the same wherever the bytes are split', () => {
    const whole = expected(bytes);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const decode = createHostDecoder('cp437-GLYPHS');
      const parts = [decode(bytes.subarray(0, cut)), decode(bytes.subarray(cut))];
      expect(Buffer.concat(parts).toString('utf8'), `cut at ${cut}`).toBe(whole);
    }
    // Every byte on its own.
    const decode = createHostDecoder(CP437_GLYPHS);
    const single = [...bytes].map((b) => decode(Buffer.of(b)));
    expect(Buffer.concat(single).toString('utf8')).toBe(whole);
  });

  it('is a known charset, and sends typed text as CP437', () => {
    expect(charsetProblem(CP437_GLYPHS)).toBeUndefined();
    expect(
      Buffer.from(createHostEncoder(CP437_GLYPHS)(Buffer.from('é£'))).equals(Buffer.of(0x82, 0x9c)),
    ).toBe(true);
  });
});

describe('charsetProblem', () => {
  it.each(['UTF-8', 'utf8', 'CP437', 'ISO-8859-15', 'windows-1252', 'KOI8-R', 'Shift_JIS'])(
    'accepts %s',
    (name) => expect(charsetProblem(name)).toBeUndefined(),
  );

  it.each([
    ['NOT-A-CHARSET', /is not a known character set/],
    ['', /is not a known character set/],
    ['UTF-16', /does not keep ASCII as it is/],
    ['__proto__', /is not a known character set/],
  ])('refuses %j', (name, problem) => expect(charsetProblem(name)).toMatch(problem));
});

describe('HostCharset', () => {
  const text = (parts: Uint8Array[]) => Buffer.concat(parts).toString('utf8');

  it('decodes and encodes with the charset switched to, from the next bytes on', () => {
    const charset = new HostCharset('UTF-8');
    const out = [charset.decode(Buffer.from('café '))];
    charset.switchTo('ISO-8859-1');
    out.push(charset.decode(Buffer.of(0x63, 0x61, 0x66, 0xe9)));
    expect(charset.name).toBe('ISO-8859-1');
    expect(text(out)).toBe('café café');
    expect([...charset.encode(Buffer.from('é'))]).toEqual([0xe9]);
    charset.switchTo('KOI8-R');
    expect(Buffer.from(charset.decode(Buffer.of(0xf0, 0xd2, 0xc9))).toString()).toBe('При');
    expect([...charset.encode(Buffer.from('П'))]).toEqual([0xf0]);
  });

  it('ends a multi-byte character cut by the switch as U+FFFD, before the new charset’s output', () => {
    // Shift_JIS あ is 82 A0: the switch comes after its first byte.
    const sjis = new HostCharset('Shift_JIS');
    const out = [sjis.decode(Buffer.of(0x41, 0x82))];
    sjis.switchTo('ISO-8859-1');
    out.push(sjis.decode(Buffer.of(0xa0, 0x42)));
    expect(text(out)).toBe('A\ufffd\u00a0B');
  });

  it('ends a UTF-8 character cut by the switch for the terminal, which holds its first bytes', () => {
    // € is E2 82 AC; the terminal has E2 82 and is waiting for the rest.
    const utf8 = new HostCharset('UTF-8');
    const out = [utf8.decode(Buffer.of(0x41, 0xe2, 0x82))];
    utf8.switchTo('CP437');
    out.push(utf8.decode(Buffer.of(0x01, 0x82)));
    expect([...Buffer.concat(out)]).toEqual([0x41, 0xe2, 0x82, 0xef, 0xbf, 0xbd, 0x01, 0xc3, 0xa9]);
  });

  it('adds nothing when no character was cut, or the charset stays the same', () => {
    const charset = new HostCharset('UTF-8');
    const out = [charset.decode(Buffer.from('€'))];
    charset.switchTo('CP437');
    charset.switchTo('cp437');
    out.push(charset.decode(Buffer.of(0x82)));
    charset.switchTo(CP437_GLYPHS);
    out.push(charset.decode(Buffer.of(0x01)));
    expect(text(out)).toBe('€é☺');
    const utf8 = new HostCharset('UTF-8');
    const cut = [utf8.decode(Buffer.of(0xe2))];
    utf8.switchTo('utf8');
    cut.push(utf8.decode(Buffer.of(0x82, 0xac)));
    expect(text(cut)).toBe('€');
  });
});
