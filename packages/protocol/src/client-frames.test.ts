import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ClientFrame,
  decodeClientFrame,
  encodeAck,
  encodeClientFrame,
  encodeInput,
  encodeInputText,
  writeInputHeader,
} from './client-frames.js';
import {
  ACTION_CODES,
  type Action,
  ClientFrameType,
  INPUT_HEADER_SIZE,
  SUBPROTOCOL,
  SUBPROTOCOL_V2,
} from './frame-types.js';
import { clientFrameArb, nearFrameBytesArb } from './testing/arbitraries.js';

function bytesOf(...values: (number | string)[]): Uint8Array {
  return Uint8Array.from(values.flatMap((v) => (typeof v === 'string' ? [...Buffer.from(v)] : [v])));
}

function decodeOk(bytes: Uint8Array | ArrayBuffer): ClientFrame {
  const result = decodeClientFrame(bytes, SUBPROTOCOL_V2);
  if (!result.ok) throw new Error(`expected a frame, got: ${result.message}`);
  return result.frame;
}

describe('client frame layouts', () => {
  it.each<[string, ClientFrame, Uint8Array]>([
    ['INPUT', { type: 'input', data: bytesOf('ls é\r') }, bytesOf(0x01, 'ls é\r')],
    ['empty INPUT', { type: 'input', data: new Uint8Array(0) }, bytesOf(0x01)],
    ['RESIZE', { type: 'resize', cols: 80, rows: 24 }, bytesOf(0x02, 0x00, 0x50, 0x00, 0x18)],
    ['largest RESIZE', { type: 'resize', cols: 65535, rows: 1 }, bytesOf(0x02, 0xff, 0xff, 0x00, 0x01)],
    ['ACTION', { type: 'action', action: 'interrupt' }, bytesOf(0x03, 0x02)],
    ['ACK', { type: 'ack', count: 0x01020304 }, bytesOf(0x04, 0x01, 0x02, 0x03, 0x04)],
    ['largest ACK', { type: 'ack', count: 0xffffffff }, bytesOf(0x04, 0xff, 0xff, 0xff, 0xff)],
    ['SETTINGS', { type: 'settings', settings: { eol: 'crnul' } }, bytesOf(0x05, '{"eol":"crnul"}')],
    [
      'full SETTINGS',
      { type: 'settings', settings: { eol: 'lf', backspace: 'bs', localEcho: 'off' } },
      bytesOf(0x05, '{"eol":"lf","backspace":"bs","localEcho":"off"}'),
    ],
    ['empty SETTINGS', { type: 'settings', settings: {} }, bytesOf(0x05, '{}')],
    [
      'SETTINGS with a charset',
      { type: 'settings', settings: { charset: 'CP437' } },
      bytesOf(0x05, '{"charset":"CP437"}'),
    ],
    [
      'RESUME (v2)',
      { type: 'resume', credential: 'AbCdEfGhIjKlMnOp_-12' },
      bytesOf(0x06, '{"credential":"AbCdEfGhIjKlMnOp_-12"}'),
    ],
  ])('encodes and decodes %s', (_name, frame, wire) => {
    expect(encodeClientFrame(frame)).toEqual(wire);
    expect(decodeOk(wire)).toEqual(frame);
  });

  it('gives every action its own byte, and round-trips each', () => {
    const codes = Object.values(ACTION_CODES);
    expect(new Set(codes).size).toBe(codes.length);
    for (const action of Object.keys(ACTION_CODES) as Action[]) {
      const wire = encodeClientFrame({ type: 'action', action });
      expect(wire).toEqual(bytesOf(ClientFrameType.ACTION, ACTION_CODES[action]));
      expect(decodeOk(wire)).toEqual({ type: 'action', action });
    }
  });

  it('round-trips any valid frame', () => {
    fc.assert(
      fc.property(clientFrameArb, (frame) => {
        expect(decodeOk(encodeClientFrame(frame))).toEqual(frame);
      }),
      { numRuns: 500 },
    );
  });
});

describe('the INPUT and ACK fast paths', () => {
  it('encodes typed text straight into the frame, like encoding it first', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(encodeInputText(text)).toEqual(encodeInput(Buffer.from(text)));
      }),
    );
  });

  it('builds an INPUT frame in a caller-filled buffer', () => {
    const text = Buffer.from('paste');
    const frame = new Uint8Array(INPUT_HEADER_SIZE + text.length);
    frame.set(text, INPUT_HEADER_SIZE);
    writeInputHeader(frame);
    expect(frame).toEqual(encodeInput(text));
    expect(() => writeInputHeader(new Uint8Array(0))).toThrow(RangeError);
  });

  it('decodes INPUT as a view into the received bytes, at any offset', () => {
    const received = Buffer.concat([
      Buffer.from([0xee, 0xee]),
      Buffer.from(encodeInputText('hello')),
    ]).subarray(2);
    const frame = decodeOk(received);
    if (frame.type !== 'input') throw new Error(`got ${frame.type}`);
    expect(Buffer.from(frame.data).toString()).toBe('hello');
    expect(frame.data.buffer).toBe(received.buffer);
    expect(frame.data.byteOffset).toBe(received.byteOffset + INPUT_HEADER_SIZE);
  });

  it('accepts an ArrayBuffer, as a browser delivers it', () => {
    const wire = encodeAck(7);
    expect(decodeOk(wire.buffer)).toEqual({ type: 'ack', count: 7 });
  });

  it('encodes ACK like the generic encoder', () => {
    expect(encodeAck(1)).toEqual(encodeClientFrame({ type: 'ack', count: 1 }));
  });
});

describe('decoding malformed client frames', () => {
  it.each<[string, Uint8Array, RegExp]>([
    ['an empty frame', bytesOf(), /^empty frame/],
    ['an unknown type', bytesOf(0x7e), /^unknown frame type 0x7e$/],
    ['RESUME without a credential', bytesOf(0x06, '{}'), /^RESUME.credential is required$/],
    [
      'RESUME with a credential outside base64url',
      bytesOf(0x06, '{"credential":"AAAAAAAAAAAAAAAA/"}'),
      /^RESUME.credential must be 16 to 256 URL-safe base64 characters$/,
    ],
    ['type 0x00', bytesOf(0x00, 0x41), /^unknown frame type 0x00$/],
    ['a gateway frame type', bytesOf(0x81, 0x41), /^frame type 0x81 is sent by the gateway, not to it$/],
    ['a short RESIZE', bytesOf(0x02, 0x00, 0x50, 0x00), /^RESIZE frame must be 5 bytes .*got 4$/],
    ['a long RESIZE', bytesOf(0x02, 0, 80, 0, 24, 0), /^RESIZE frame must be 5 bytes .*got 6$/],
    [
      'RESIZE to zero columns',
      bytesOf(0x02, 0, 0, 0, 24),
      /^RESIZE needs at least 1 column and 1 row, got 0×24$/,
    ],
    [
      'RESIZE to zero rows',
      bytesOf(0x02, 0, 80, 0, 0),
      /^RESIZE needs at least 1 column and 1 row, got 80×0$/,
    ],
    ['an ACTION without its byte', bytesOf(0x03), /^ACTION frame must be 2 bytes .*got 1$/],
    ['an ACTION with extra bytes', bytesOf(0x03, 0x01, 0x01), /^ACTION frame must be 2 bytes .*got 3$/],
    ['ACTION 0', bytesOf(0x03, 0x00), /^ACTION frame has unknown action 0x00$/],
    ['an unknown ACTION', bytesOf(0x03, 0x0d), /^ACTION frame has unknown action 0x0d$/],
    ['a short ACK', bytesOf(0x04, 0, 0, 1), /^ACK frame must be 5 bytes .*got 4$/],
    ['ACK 0', bytesOf(0x04, 0, 0, 0, 0), /^ACK count must be at least 1$/],
    ['SETTINGS without payload', bytesOf(0x05), /^SETTINGS payload is not valid JSON$/],
    ['SETTINGS in bad UTF-8', bytesOf(0x05, '{"eol":"', 0xc3, '"}'), /^SETTINGS payload is not valid UTF-8$/],
    ['SETTINGS with broken JSON', bytesOf(0x05, '{"eol":'), /^SETTINGS payload is not valid JSON$/],
    [
      'SETTINGS behind a byte order mark',
      bytesOf(0x05, 0xef, 0xbb, 0xbf, '{}'),
      /^SETTINGS payload is not valid JSON$/,
    ],
    ['SETTINGS as an array', bytesOf(0x05, '[]'), /^SETTINGS must be a JSON object$/],
    ['SETTINGS as null', bytesOf(0x05, 'null'), /^SETTINGS must be a JSON object$/],
    ['SETTINGS as a string', bytesOf(0x05, '"lf"'), /^SETTINGS must be a JSON object$/],
    [
      'an unknown EOL mode',
      bytesOf(0x05, '{"eol":"cr"}'),
      /^SETTINGS.eol must be one of "crlf", "crnul", "lf"$/,
    ],
    [
      'a null setting',
      bytesOf(0x05, '{"backspace":null}'),
      /^SETTINGS.backspace must be one of "del", "bs"$/,
    ],
    [
      'a boolean local echo',
      bytesOf(0x05, '{"localEcho":true}'),
      /^SETTINGS.localEcho must be one of "auto", "on", "off"$/,
    ],
    ['an empty charset', bytesOf(0x05, '{"charset":""}'), /^SETTINGS.charset must be a non-empty string$/],
    ['a charset that is a number', bytesOf(0x05, '{"charset":437}'), /^SETTINGS.charset must be a/],
    [
      'a charset name too long to be one',
      bytesOf(0x05, `{"charset":"${'x'.repeat(41)}"}`),
      /^SETTINGS.charset must be at most 40 characters$/,
    ],
  ])('rejects %s', (_name, bytes, message) => {
    const result = decodeClientFrame(bytes, SUBPROTOCOL_V2);
    expect(result).toEqual({ ok: false, code: 'GW_ERR_BAD_FRAME', message: expect.stringMatching(message) });
  });

  it('ignores unknown settings, and never copies them', () => {
    const wire = bytesOf(0x05, '{"eol":"lf","fontSize":14,"__proto__":{"localEcho":"on"},"constructor":1}');
    const frame = decodeOk(wire);
    expect(frame).toEqual({ type: 'settings', settings: { eol: 'lf' } });
    if (frame.type !== 'settings') throw new Error(`got ${frame.type}`);
    expect(Object.keys(frame.settings)).toEqual(['eol']);
    expect(frame.settings.localEcho).toBeUndefined();
    expect(Object.getPrototypeOf(frame.settings)).toBe(Object.prototype);
  });

  it('never throws, and re-encodes whatever it accepts to an equal frame', () => {
    const nearFrames = nearFrameBytesArb(clientFrameArb.map(encodeClientFrame), [
      ClientFrameType.SETTINGS,
      ClientFrameType.RESUME,
    ]);
    fc.assert(
      fc.property(nearFrames, (bytes) => {
        const result = decodeClientFrame(bytes, SUBPROTOCOL_V2);
        if (result.ok) expect(decodeOk(encodeClientFrame(result.frame))).toEqual(result.frame);
        else {
          expect(result.code).toBe('GW_ERR_BAD_FRAME');
          expect(result.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('telgate.v1 against telgate.v2 frames', () => {
  const resume = encodeClientFrame({ type: 'resume', credential: 'AbCdEfGhIjKlMnOp_-12' });

  it('refuses RESUME on telgate.v1, the default', () => {
    const expected = {
      ok: false,
      code: 'GW_ERR_BAD_FRAME',
      message: 'frame type 0x06 (RESUME) needs telgate.v2',
    };
    expect(decodeClientFrame(resume)).toEqual(expected);
    expect(decodeClientFrame(resume, SUBPROTOCOL)).toEqual(expected);
  });

  it('accepts it on telgate.v2, and decodes v1 frames the same on both', () => {
    expect(decodeClientFrame(resume, SUBPROTOCOL_V2)).toEqual({
      ok: true,
      frame: { type: 'resume', credential: 'AbCdEfGhIjKlMnOp_-12' },
    });
    const resize = bytesOf(0x02, 0, 80, 0, 24);
    expect(decodeClientFrame(resize, SUBPROTOCOL_V2)).toEqual(decodeClientFrame(resize, SUBPROTOCOL));
  });
});

describe('encoding invalid client frames', () => {
  it.each<[string, ClientFrame, ErrorConstructor, RegExp]>([
    [
      'zero columns',
      { type: 'resize', cols: 0, rows: 24 },
      RangeError,
      /^RESIZE cols must be an integer from 1 to 65535, got 0$/,
    ],
    [
      'too many rows',
      { type: 'resize', cols: 80, rows: 65536 },
      RangeError,
      /^RESIZE rows must be .*got 65536$/,
    ],
    [
      'fractional columns',
      { type: 'resize', cols: 80.5, rows: 24 },
      RangeError,
      /^RESIZE cols must be an integer/,
    ],
    [
      'NaN rows',
      { type: 'resize', cols: 80, rows: Number.NaN },
      RangeError,
      /^RESIZE rows must be an integer/,
    ],
    [
      'ACK 0',
      { type: 'ack', count: 0 },
      RangeError,
      /^ACK count must be an integer from 1 to 4294967295, got 0$/,
    ],
    ['ACK past u32', { type: 'ack', count: 2 ** 32 }, RangeError, /^ACK count must be .*got 4294967296$/],
    [
      'an unknown action',
      { type: 'action', action: 'reboot' as Action },
      TypeError,
      /^Cannot encode ACTION action "reboot"$/,
    ],
    [
      'an inherited action name',
      { type: 'action', action: 'toString' as Action },
      TypeError,
      /ACTION action "toString"/,
    ],
    [
      'a bad setting',
      { type: 'settings', settings: { eol: 'cr' as 'lf' } },
      TypeError,
      /^Cannot encode SETTINGS frame: SETTINGS.eol must be one of/,
    ],
    ['an unknown frame type', { type: 'paste' } as unknown as ClientFrame, TypeError, /unknown type "paste"/],
  ])('refuses %s', (_name, frame, errorType, message) => {
    expect(() => encodeClientFrame(frame)).toThrow(errorType);
    expect(() => encodeClientFrame(frame)).toThrow(message);
  });

  it('drops unknown settings when encoding, as the decoder would', () => {
    const settings = { localEcho: 'on', theme: 'dark' } as unknown as { localEcho: 'on' };
    expect(encodeClientFrame({ type: 'settings', settings })).toEqual(bytesOf(0x05, '{"localEcho":"on"}'));
  });
});
