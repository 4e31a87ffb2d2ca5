import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeClientFrame, encodeInputText } from './client-frames.js';
import { ClientFrameType, FRAME_HEADER_SIZE } from './frame-types.js';

// The codec's UTF-8 is the runtime's TextEncoder and a strict TextDecoder; Node's Buffer is the reference.
const payloadOf = (frame: Uint8Array) => [...frame.subarray(FRAME_HEADER_SIZE)];

describe('UTF-8 in frames', () => {
  it('encodes each length class, and a lone surrogate as U+FFFD', () => {
    expect(payloadOf(encodeInputText('A'))).toEqual([0x41]);
    expect(payloadOf(encodeInputText('é'))).toEqual([0xc3, 0xa9]);
    expect(payloadOf(encodeInputText('€'))).toEqual([0xe2, 0x82, 0xac]);
    expect(payloadOf(encodeInputText('😀'))).toEqual([0xf0, 0x9f, 0x98, 0x80]);
    expect(payloadOf(encodeInputText('\ud800x'))).toEqual([0xef, 0xbf, 0xbd, 0x78]);
    expect(encodeInputText('x')[0]).toBe(ClientFrameType.INPUT);
  });

  it('encodes any string as Node does', () => {
    const anyUnits = fc.string({
      unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)),
    });
    fc.assert(
      fc.property(anyUnits, (text) => {
        expect(payloadOf(encodeInputText(text))).toEqual([...Buffer.from(text, 'utf8')]);
      }),
    );
  });

  const settings = (...bytes: number[]) =>
    Uint8Array.of(ClientFrameType.SETTINGS, ...Buffer.from('{"charset":"'), ...bytes, ...Buffer.from('"}'));

  it('decodes well-formed UTF-8 in a JSON payload', () => {
    const result = decodeClientFrame(settings(0xc3, 0xa9));
    expect(result).toEqual({ ok: true, frame: { type: 'settings', settings: { charset: 'é' } } });
  });

  it.each([
    ['a stray continuation byte', [0x80]],
    ['a truncated sequence', [0xe2, 0x82]],
    ['an overlong form', [0xc0, 0xaf]],
    ['a surrogate code point', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('refuses %s', (_, bytes) => {
    expect(decodeClientFrame(settings(...bytes))).toEqual({
      ok: false,
      code: 'GW_ERR_BAD_FRAME',
      message: 'SETTINGS payload is not valid UTF-8',
    });
  });

  it('keeps a leading byte order mark (so such a JSON payload is refused, not silently repaired)', () => {
    const frame = Uint8Array.of(ClientFrameType.SETTINGS, 0xef, 0xbb, 0xbf, ...Buffer.from('{}'));
    expect(decodeClientFrame(frame)).toEqual({
      ok: false,
      code: 'GW_ERR_BAD_FRAME',
      message: 'SETTINGS payload is not valid JSON',
    });
  });
});
