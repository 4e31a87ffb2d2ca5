import { type SupdupInput, SupdupInputDecoder } from '@telgate/test-peers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createSupdupClient,
  encodeKey,
  encodeLocation,
  foldControl,
  type SupdupClientOptions,
  type SupdupKey,
} from '../src/index.js';

function client(options: Partial<SupdupClientOptions> = {}) {
  const sent: number[] = [];
  const engine = createSupdupClient({ cols: 80, rows: 24, ...options }, (event) => {
    if (event.type === 'send') sent.push(...event.data);
  });
  return { engine, sent };
}

/** Decodes what the client sent the way the scripted server does (written from RFC 734 on its own). */
function decode(bytes: number[]): SupdupInput[] {
  const inputs: SupdupInput[] = [];
  new SupdupInputDecoder((input) => inputs.push(input)).push(Uint8Array.from(bytes));
  return inputs;
}

describe('input (RFC 734 "BUCKY BITS")', () => {
  it('plain text goes as is, with 034 doubled', () => {
    const { engine, sent } = client();
    expect(engine.sendText('a\x1cb\r')).toEqual({ dropped: 0 });
    expect(sent).toEqual([0o141, 0o34, 0o34, 0o142, 0o15]);
  });

  it('characters beyond 7-bit ASCII are dropped and counted', () => {
    const { engine, sent } = client();
    expect(engine.sendText('aé€b')).toEqual({ dropped: 2 });
    expect(sent).toEqual([0o141, 0o142]);
  });

  it('<CONTROL><META>[LINE FEED] is 034 103 012, the RFC example', () => {
    const { engine, sent } = client();
    expect(engine.sendKey({ char: '\n', control: true, meta: true })).toMatchObject({
      sent: true,
      ignored: [],
    });
    expect(sent).toEqual([0o34, 0o103, 0o12]);
  });

  it('[TOP] is 020 in the bucky byte; a SAIL graphic is sent as its code with [TOP]', () => {
    expect([
      ...encodeKey({ char: 'x', top: true }, { fullCharacterInput: true, superHyperBits: false }).bytes,
    ]).toEqual([0o34, 0o120, 0o170]);
    expect([...encodeKey({ char: '↓' }, { fullCharacterInput: true, superHyperBits: false }).bytes]).toEqual([
      0o34, 0o120, 0o1,
    ]);
  });

  it('Super and Hyper use the reserved bits only when asked; otherwise they are reported as ignored', () => {
    const off = encodeKey(
      { char: 'a', super: true, hyper: true },
      { fullCharacterInput: true, superHyperBits: false },
    );
    expect([...off.bytes]).toEqual([0o141]);
    expect(off.ignored).toEqual(['super', 'hyper']);
    const on = encodeKey(
      { char: 'a', super: true, hyper: true },
      { fullCharacterInput: true, superHyperBits: true },
    );
    // 1000 >> 7 = 4, 2000 >> 7 = 10; with the 100 flag: 114.
    expect([...on.bytes]).toEqual([0o34, 0o114, 0o141]);
  });

  it('without %TOFCI, CONTROL is folded into ASCII (RFC 734 "MAPPING BETWEEN CHARACTER SETS")', () => {
    const { engine, sent } = client({ fullCharacterInput: false });
    expect(engine.sendKey({ char: 'a', control: true, meta: true })).toMatchObject({ ignored: ['meta'] });
    engine.sendKey({ char: '?', control: true });
    engine.sendKey({ char: ' ', control: true });
    engine.sendKey({ char: '\\', control: true });
    // ^A, RUBOUT, NULL, and ^\ (034, so doubled).
    expect(sent).toEqual([0o1, 0o177, 0, 0o34, 0o34]);
    expect(foldControl(0o100)).toBe(0);
    expect(foldControl(0o61)).toBe(0o61);
  });

  it('a key that is not 7-bit and not a SAIL graphic is not sent', () => {
    const { engine, sent } = client();
    expect(engine.sendKey({ char: 'é' })).toMatchObject({ sent: false });
    expect(engine.sendKey({ char: 300 })).toMatchObject({ sent: false });
    expect(sent).toEqual([]);
  });

  it('logout is 300 301; the location is 300 302 text 000 without CR, LF or NUL', () => {
    const { engine, sent } = client();
    engine.logout();
    engine.sendLocation('lab\r\n 3\0!');
    expect(sent).toEqual([0o300, 0o301, 0o300, 0o302, ...Buffer.from('lab 3!'), 0]);
    expect(encodeLocation('x'.repeat(1000)).length).toBe(2 + 255 + 1);
    expect(decode(sent)).toEqual([{ type: 'logout' }, { type: 'location', text: 'lab 3!' }]);
  });

  it('resize is refused: SUPDUP has no way to change the size after the initialization', () => {
    const { engine, sent } = client();
    const result = engine.resize(100, 40);
    expect(result).toMatchObject({ supported: false, cols: 80, rows: 24 });
    expect(result.reason).toMatch(/RFC 734/);
    expect(sent).toEqual([]);
  });
});

describe('034 round trip (property)', () => {
  const key = fc.record({
    char: fc.integer({ min: 0, max: 0o177 }),
    control: fc.boolean(),
    meta: fc.boolean(),
    top: fc.boolean(),
    super: fc.boolean(),
    hyper: fc.boolean(),
  });

  it('any keys, encoded by the client and decoded as a server would, come back the same', () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 40 }), fc.boolean(), (keys: SupdupKey[], superHyperBits) => {
        const { engine, sent } = client({ superHyperBits });
        for (const k of keys) engine.sendKey(k);
        const decoded = decode(sent);
        expect(decoded).toHaveLength(keys.length);
        decoded.forEach((input, index) => {
          const k = keys[index]!;
          expect(input).toMatchObject({
            type: 'key',
            ascii: k.char,
            control: !!k.control,
            meta: !!k.meta,
            top: !!k.top,
            super: superHyperBits && !!k.super,
            hyper: superHyperBits && !!k.hyper,
          });
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('any 7-bit text survives, 034 included', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.integer({ min: 0, max: 0o177 }).map((c) => String.fromCharCode(c)) }),
        (text) => {
          const { engine, sent } = client();
          engine.sendText(text);
          const decoded = decode(sent).map((input) =>
            input.type === 'key' ? String.fromCharCode(input.code) : '?',
          );
          expect(decoded.join('')).toBe(text);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
