import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ServerFrameType, SUBPROTOCOL, SUBPROTOCOL_V2 } from './frame-types.js';
import {
  decodeServerFrame,
  encodeOutput,
  encodeServerFrame,
  type ServerFrame,
  writeOutputHeader,
} from './server-frames.js';
import { nearFrameBytesArb, serverFrameArb } from './testing/arbitraries.js';

function bytesOf(...values: (number | string)[]): Uint8Array {
  return Uint8Array.from(values.flatMap((v) => (typeof v === 'string' ? [...Buffer.from(v)] : [v])));
}

function decodeOk(bytes: Uint8Array | ArrayBuffer): ServerFrame {
  const result = decodeServerFrame(bytes, SUBPROTOCOL_V2);
  if (!result.ok) throw new Error(`expected a frame, got: ${result.message}`);
  return result.frame;
}

const target = { id: 'demo', label: 'Demo host', host: '127.0.0.1', port: 2323, charset: 'UTF-8' };
const settings = {
  eol: 'crlf',
  backspace: 'del',
  localEcho: 'auto',
  charset: 'ISO-8859-1',
  remoteEcho: true,
} as const;

describe('server frame layouts', () => {
  it.each<[string, ServerFrame, Uint8Array]>([
    ['OUTPUT', { type: 'output', data: bytesOf('login: ') }, bytesOf(0x81, 'login: ')],
    ['empty OUTPUT', { type: 'output', data: new Uint8Array(0) }, bytesOf(0x81)],
    [
      'STATE connecting',
      { type: 'state', state: 'connecting', target },
      bytesOf(0x82, `{"state":"connecting","target":${JSON.stringify(target)}}`),
    ],
    [
      'STATE connected',
      { type: 'state', state: 'connected', sessionId: 's1' },
      bytesOf(0x82, '{"state":"connected","sessionId":"s1"}'),
    ],
    [
      'STATE closed',
      { type: 'state', state: 'closed', code: 'GW_ERR_HOST_REFUSED', reason: 'ECONNREFUSED' },
      bytesOf(0x82, '{"state":"closed","code":"GW_ERR_HOST_REFUSED","reason":"ECONNREFUSED"}'),
    ],
    ['STATE closed normally', { type: 'state', state: 'closed' }, bytesOf(0x82, '{"state":"closed"}')],
    [
      'STATE connected, resumable (v2)',
      {
        type: 'state',
        state: 'connected',
        resume: { credential: 'AbCdEfGhIjKlMnOp_-12', graceSeconds: 300 },
      },
      bytesOf(
        0x82,
        '{"state":"connected","resume":{"credential":"AbCdEfGhIjKlMnOp_-12","graceSeconds":300}}',
      ),
    ],
    ['OPTION', { type: 'option', side: 'remote', option: 1, enabled: true }, bytesOf(0x83, 0x01, 0x01, 0x01)],
    [
      'OPTION off',
      { type: 'option', side: 'local', option: 31, enabled: false },
      bytesOf(0x83, 0x00, 0x1f, 0x00),
    ],
    [
      'OPTION 255',
      { type: 'option', side: 'local', option: 255, enabled: true },
      bytesOf(0x83, 0x00, 0xff, 0x01),
    ],
    [
      'TRACE in',
      { type: 'trace', direction: 'in', bytes: bytesOf(0xff, 0xfd, 0x1f) },
      bytesOf(0x84, 0x00, 0xff, 0xfd, 0x1f),
    ],
    [
      'TRACE out',
      {
        type: 'trace',
        direction: 'out',
        bytes: bytesOf(0xff, 0xfa, 0x1f, 0x00, 0x78, 0x00, 0x28, 0xff, 0xf0),
      },
      bytesOf(0x84, 0x01, 0xff, 0xfa, 0x1f, 0x00, 0x78, 0x00, 0x28, 0xff, 0xf0),
    ],
    ['LOGOUT_RESULT accepted', { type: 'logout-result', result: 'accepted' }, bytesOf(0x85, 0x01)],
    ['LOGOUT_RESULT refused', { type: 'logout-result', result: 'refused' }, bytesOf(0x85, 0x02)],
    ['LOGOUT_RESULT timed out', { type: 'logout-result', result: 'timed-out' }, bytesOf(0x85, 0x03)],
    [
      'NOTICE auto-logout',
      { type: 'notice', notice: { kind: 'auto-logout-warning' } },
      bytesOf(0x86, '{"kind":"auto-logout-warning"}'),
    ],
    ['NOTICE supdup', { type: 'notice', notice: { kind: 'supdup' } }, bytesOf(0x86, '{"kind":"supdup"}')],
    [
      'NOTICE supdup with the terminal',
      { type: 'notice', notice: { kind: 'supdup', terminal: { cols: 80, rows: 24, ttyopt: ['%TOMVB'] } } },
      bytesOf(0x86, '{"kind":"supdup","terminal":{"cols":80,"rows":24,"ttyopt":["%TOMVB"]}}'),
    ],
    [
      'NOTICE warning',
      { type: 'notice', notice: { kind: 'warning', code: 'TELNET_ERR_BAD_IAC', message: 'IAC then 0x41' } },
      bytesOf(0x86, '{"kind":"warning","code":"TELNET_ERR_BAD_IAC","message":"IAC then 0x41"}'),
    ],
    ['HEARTBEAT', { type: 'heartbeat', intervalMs: 15_000 }, bytesOf(0x89, 0x00, 0x00, 0x3a, 0x98)],
    [
      'NOTICE resumed (v2)',
      { type: 'notice', notice: { kind: 'resumed', awayMs: 5200, inputReceived: 17 } },
      bytesOf(0x86, '{"kind":"resumed","awayMs":5200,"inputReceived":17}'),
    ],
    [
      'NOTICE output-skipped (v2)',
      { type: 'notice', notice: { kind: 'output-skipped', bytes: 1048576 } },
      bytesOf(0x86, '{"kind":"output-skipped","bytes":1048576}'),
    ],
    [
      'SCREEN (v2)',
      { type: 'screen', cols: 80, rows: 24, data: bytesOf('\x1b[Hok') },
      bytesOf(0x88, 0x00, 0x50, 0x00, 0x18, '\x1b[Hok'),
    ],
    ['empty SCREEN (v2)', { type: 'screen', cols: 1, rows: 1, data: bytesOf() }, bytesOf(0x88, 0, 1, 0, 1)],
    [
      'SETTINGS',
      { type: 'settings', settings },
      bytesOf(
        0x87,
        '{"eol":"crlf","backspace":"del","localEcho":"auto","charset":"ISO-8859-1","remoteEcho":true}',
      ),
    ],
  ])('encodes and decodes %s', (_name, frame, wire) => {
    expect(encodeServerFrame(frame)).toEqual(wire);
    expect(decodeOk(wire)).toEqual(frame);
  });

  it('round-trips any valid frame, including strings with lone surrogates', () => {
    fc.assert(
      fc.property(serverFrameArb, (frame) => {
        expect(decodeOk(encodeServerFrame(frame))).toEqual(frame);
      }),
      { numRuns: 500 },
    );
  });
});

describe('the OUTPUT fast path', () => {
  it('builds an OUTPUT frame in a producer-filled buffer, without a second copy', () => {
    const terminalBytes = Buffer.from('\x1b[1mbold\x1b[0m');
    const frame = Buffer.allocUnsafe(1 + terminalBytes.length);
    terminalBytes.copy(frame, 1);
    writeOutputHeader(frame);
    expect(new Uint8Array(frame)).toEqual(encodeOutput(terminalBytes));
    expect(() => writeOutputHeader(new Uint8Array(0))).toThrow(RangeError);
  });

  it('decodes OUTPUT and TRACE as views into the received bytes', () => {
    const output = encodeOutput(bytesOf('abc'));
    const outputFrame = decodeOk(output);
    if (outputFrame.type !== 'output') throw new Error(`got ${outputFrame.type}`);
    expect(outputFrame.data.buffer).toBe(output.buffer);
    expect(outputFrame.data.byteOffset).toBe(1);

    const trace = encodeServerFrame({ type: 'trace', direction: 'in', bytes: bytesOf(0xff, 0xf1) });
    const traceFrame = decodeOk(trace.buffer);
    if (traceFrame.type !== 'trace') throw new Error(`got ${traceFrame.type}`);
    expect(traceFrame.bytes.buffer).toBe(trace.buffer);
    expect(traceFrame.bytes.byteOffset).toBe(2);
  });
});

const stateJson = (payload: string) => bytesOf(0x82, payload);

describe('decoding malformed server frames', () => {
  it.each<[string, Uint8Array, RegExp]>([
    ['an empty frame', bytesOf(), /^empty frame/],
    ['an unknown type', bytesOf(0xfe), /^unknown frame type 0xfe$/],
    [
      'a short SCREEN',
      bytesOf(0x88, 0, 80, 0),
      /^SCREEN frame needs u16 cols and u16 rows before its text, got 4 bytes/,
    ],
    [
      'SCREEN with zero columns',
      bytesOf(0x88, 0, 0, 0, 24, 0x41),
      /^SCREEN needs at least 1 column and 1 row, got 0×24$/,
    ],
    [
      'SCREEN with zero rows',
      bytesOf(0x88, 0, 80, 0, 0),
      /^SCREEN needs at least 1 column and 1 row, got 80×0$/,
    ],
    [
      'resume info on a connecting STATE',
      bytesOf(0x82, '{"state":"connecting","resume":{"credential":"AbCdEfGhIjKlMnOp_-12","graceSeconds":1}}'),
      /^STATE: "resume" is only allowed when "state" is "connected"$/,
    ],
    [
      'a short resume credential',
      bytesOf(0x82, '{"state":"connected","resume":{"credential":"abc","graceSeconds":1}}'),
      /^STATE.resume.credential must be 16 to 256 URL-safe base64 characters$/,
    ],
    [
      'a negative grace period',
      bytesOf(0x82, '{"state":"connected","resume":{"credential":"AbCdEfGhIjKlMnOp_-12","graceSeconds":-1}}'),
      /^STATE.resume.graceSeconds must be a whole number, 0 or more$/,
    ],
    [
      'a resumed notice without its input count',
      bytesOf(0x86, '{"kind":"resumed","awayMs":3}'),
      /^NOTICE.inputReceived is required$/,
    ],
    [
      'a fractional skipped-output count',
      bytesOf(0x86, '{"kind":"output-skipped","bytes":1.5}'),
      /^NOTICE.bytes must be a whole number, 0 or more$/,
    ],
    ['a browser frame type', bytesOf(0x01, 0x41), /^frame type 0x01 is sent by the browser, not to it$/],
    ['a short OPTION', bytesOf(0x83, 0x00, 0x01), /^OPTION frame must be 4 bytes .*got 3$/],
    ['a long OPTION', bytesOf(0x83, 0x00, 0x01, 0x01, 0x00), /^OPTION frame must be 4 bytes .*got 5$/],
    [
      'an OPTION for a third side',
      bytesOf(0x83, 0x02, 0x01, 0x01),
      /^OPTION side must be 0 \(local\) or 1 \(remote\), got 0x02$/,
    ],
    [
      'an OPTION neither on nor off',
      bytesOf(0x83, 0x00, 0x01, 0x02),
      /^OPTION enabled must be 0 or 1, got 0x02$/,
    ],
    [
      'a TRACE without command bytes',
      bytesOf(0x84, 0x00),
      /^TRACE frame needs a direction byte and at least one command byte/,
    ],
    ['a TRACE with no direction', bytesOf(0x84), /^TRACE frame needs/],
    [
      'a TRACE going sideways',
      bytesOf(0x84, 0x02, 0xff, 0xf1),
      /^TRACE direction must be 0 \(in\) or 1 \(out\), got 0x02$/,
    ],
    [
      'a HEARTBEAT without its interval',
      bytesOf(0x89, 0x00, 0x00),
      /^HEARTBEAT frame must be 5 bytes .*got 3$/,
    ],
    ['a HEARTBEAT of 0 ms', bytesOf(0x89, 0, 0, 0, 0), /^HEARTBEAT interval must be at least 1 ms$/],
    ['a LOGOUT_RESULT without its byte', bytesOf(0x85), /^LOGOUT_RESULT frame must be 2 bytes .*got 1$/],
    ['LOGOUT_RESULT 0', bytesOf(0x85, 0x00), /^LOGOUT_RESULT has unknown result 0x00$/],
    ['LOGOUT_RESULT 4', bytesOf(0x85, 0x04), /^LOGOUT_RESULT has unknown result 0x04$/],
    ['STATE in bad UTF-8', bytesOf(0x82, '{"state":"', 0xff, '"}'), /^STATE payload is not valid UTF-8$/],
    ['STATE with broken JSON', stateJson('{"state":"closed"'), /^STATE payload is not valid JSON$/],
    ['STATE without a state', stateJson('{}'), /^STATE.state is required$/],
    [
      'an unknown state',
      stateJson('{"state":"open"}'),
      /^STATE.state must be one of "connecting", "connected", "closed"$/,
    ],
    [
      'an unknown close code',
      stateJson('{"state":"closed","code":"GW_ERR_NOPE"}'),
      /^STATE.code must be a GW_ERR_… code/,
    ],
    [
      'an inherited close code',
      stateJson('{"state":"closed","code":"toString"}'),
      /^STATE.code must be a GW_ERR_… code/,
    ],
    ['a numeric reason', stateJson('{"state":"closed","reason":5}'), /^STATE.reason must be a string$/],
    [
      'an error while connected',
      stateJson('{"state":"connected","code":"GW_ERR_TIMEOUT"}'),
      /only allowed when "state" is "closed"$/,
    ],
    [
      'a reason while connecting',
      stateJson('{"state":"connecting","reason":"x"}'),
      /only allowed when "state" is "closed"$/,
    ],
    [
      'an empty session id',
      stateJson('{"state":"connected","sessionId":""}'),
      /^STATE.sessionId must be a non-empty string$/,
    ],
    [
      'a target that is a string',
      stateJson('{"state":"connecting","target":"demo"}'),
      /^STATE.target must be a JSON object$/,
    ],
    [
      'a target without an id',
      stateJson('{"state":"connecting","target":{"label":"","host":"h","port":23,"charset":"UTF-8"}}'),
      /^STATE.target.id is required$/,
    ],
    [
      'a target on port 0',
      stateJson(
        '{"state":"connecting","target":{"id":"a","label":"","host":"h","port":0,"charset":"UTF-8"}}',
      ),
      /^STATE.target.port must be an integer from 1 to 65535$/,
    ],
    [
      'a target on a fractional port',
      stateJson(
        '{"state":"connecting","target":{"id":"a","label":"","host":"h","port":23.5,"charset":"UTF-8"}}',
      ),
      /^STATE.target.port must be an integer from 1 to 65535$/,
    ],
    [
      'a target on a string port',
      stateJson(
        '{"state":"connecting","target":{"id":"a","label":"","host":"h","port":"23","charset":"UTF-8"}}',
      ),
      /^STATE.target.port must be an integer/,
    ],
    ['NOTICE without a kind', bytesOf(0x86, '{}'), /^NOTICE.kind is required$/],
    [
      'an unknown NOTICE',
      bytesOf(0x86, '{"kind":"bell"}'),
      /^NOTICE.kind must be one of "auto-logout-warning", "supdup", "warning", "resumed", "output-skipped", "observers"$/,
    ],
    [
      'a warning without a code',
      bytesOf(0x86, '{"kind":"warning","message":"m"}'),
      /^NOTICE.code is required$/,
    ],
    [
      'a warning without a message',
      bytesOf(0x86, '{"kind":"warning","code":"C"}'),
      /^NOTICE.message is required$/,
    ],
    ['NOTICE as an array', bytesOf(0x86, '[{"kind":"supdup"}]'), /^NOTICE must be a JSON object$/],
    [
      'NOTICE supdup with bad TTYOPT flags',
      bytesOf(0x86, '{"kind":"supdup","terminal":{"cols":80,"rows":24,"ttyopt":[1]}}'),
      /^NOTICE.terminal.ttyopt must be an array of strings$/,
    ],
    [
      'SETTINGS without a charset',
      bytesOf(0x87, '{"eol":"lf","backspace":"del","localEcho":"on","remoteEcho":false}'),
      /^SETTINGS.charset is required$/,
    ],
    [
      'SETTINGS with a string for remote echo',
      bytesOf(0x87, '{"eol":"lf","backspace":"del","localEcho":"on","charset":"UTF-8","remoteEcho":"yes"}'),
      /^SETTINGS.remoteEcho must be true or false$/,
    ],
    ['SETTINGS with a partial update', bytesOf(0x87, '{"eol":"lf"}'), /^SETTINGS.backspace is required$/],
  ])('rejects %s', (_name, bytes, message) => {
    const result = decodeServerFrame(bytes, SUBPROTOCOL_V2);
    expect(result).toEqual({ ok: false, code: 'GW_ERR_BAD_FRAME', message: expect.stringMatching(message) });
  });

  it('ignores unknown fields in JSON frames', () => {
    const frame = decodeOk(
      stateJson(
        `{"state":"connecting","target":${JSON.stringify({ ...target, colour: 'green' })},"type":"output","extra":[1]}`,
      ),
    );
    expect(frame).toEqual({ type: 'state', state: 'connecting', target });
    expect(decodeOk(bytesOf(0x86, '{"kind":"supdup","code":"ignored"}'))).toEqual({
      type: 'notice',
      notice: { kind: 'supdup' },
    });
  });

  it("carries a target's terminal mode, and leaves out a mode it does not know", () => {
    const bbs = { ...target, terminalMode: 'bbs' as const };
    expect(decodeOk(encodeServerFrame({ type: 'state', state: 'connecting', target: bbs }))).toEqual({
      type: 'state',
      state: 'connecting',
      target: bbs,
    });
    const future = stateJson(
      `{"state":"connecting","target":${JSON.stringify({ ...target, terminalMode: 'teletext' })}}`,
    );
    expect(decodeOk(future)).toEqual({ type: 'state', state: 'connecting', target });
  });

  it('never throws, and re-encodes whatever it accepts to an equal frame', () => {
    const nearFrames = nearFrameBytesArb(serverFrameArb.map(encodeServerFrame), [
      ServerFrameType.STATE,
      ServerFrameType.NOTICE,
      ServerFrameType.SETTINGS,
    ]);
    fc.assert(
      fc.property(nearFrames, (bytes) => {
        const result = decodeServerFrame(bytes, SUBPROTOCOL_V2);
        if (result.ok) expect(decodeOk(encodeServerFrame(result.frame))).toEqual(result.frame);
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
  const bad = (message: string) => ({ ok: false, code: 'GW_ERR_BAD_FRAME', message });

  it('refuses SCREEN and the v2 notices on telgate.v1, the default', () => {
    const screen = encodeServerFrame({ type: 'screen', cols: 80, rows: 24, data: bytesOf('x') });
    expect(decodeServerFrame(screen)).toEqual(bad('frame type 0x88 (SCREEN) needs telgate.v2'));
    const resumed = encodeServerFrame({
      type: 'notice',
      notice: { kind: 'resumed', awayMs: 1, inputReceived: 2 },
    });
    expect(decodeServerFrame(resumed, SUBPROTOCOL)).toEqual(bad('NOTICE kind "resumed" needs telgate.v2'));
    const skipped = encodeServerFrame({ type: 'notice', notice: { kind: 'output-skipped', bytes: 3 } });
    expect(decodeServerFrame(skipped)).toEqual(bad('NOTICE kind "output-skipped" needs telgate.v2'));
  });

  it("drops STATE's resume field on telgate.v1, as an unknown field, and keeps it on telgate.v2", () => {
    const state: ServerFrame = {
      type: 'state',
      state: 'connected',
      sessionId: 's1',
      resume: { credential: 'AbCdEfGhIjKlMnOp_-12', graceSeconds: 60 },
    };
    const wire = encodeServerFrame(state);
    expect(decodeServerFrame(wire)).toEqual({
      ok: true,
      frame: { type: 'state', state: 'connected', sessionId: 's1' },
    });
    expect(decodeServerFrame(wire, SUBPROTOCOL_V2)).toEqual({ ok: true, frame: state });
  });
});

describe('encoding invalid server frames', () => {
  it.each<[string, ServerFrame, ErrorConstructor, RegExp]>([
    [
      'option 256',
      { type: 'option', side: 'local', option: 256, enabled: true },
      RangeError,
      /^OPTION option code must be an integer from 0 to 255, got 256$/,
    ],
    [
      'a third side',
      { type: 'option', side: 'both' as 'local', option: 1, enabled: true },
      TypeError,
      /^Cannot encode OPTION side "both"$/,
    ],
    [
      'an empty TRACE',
      { type: 'trace', direction: 'in', bytes: new Uint8Array(0) },
      RangeError,
      /no command bytes/,
    ],
    [
      'a TRACE direction',
      { type: 'trace', direction: 'up' as 'in', bytes: bytesOf(0xff, 0xf1) },
      TypeError,
      /TRACE direction "up"/,
    ],
    [
      'a logout result',
      { type: 'logout-result', result: 'maybe' as 'accepted' },
      TypeError,
      /LOGOUT_RESULT result "maybe"/,
    ],
    [
      'an error while connected',
      { type: 'state', state: 'connected', code: 'GW_ERR_TIMEOUT' } as unknown as ServerFrame,
      TypeError,
      /^Cannot encode STATE frame: STATE: "code" and "reason" are only allowed when "state" is "closed"$/,
    ],
    [
      'an unknown close code',
      { type: 'state', state: 'closed', code: 'GW_ERR_NOPE' as 'GW_ERR_TIMEOUT' },
      TypeError,
      /^Cannot encode STATE frame: STATE.code must be/,
    ],
    [
      'a target on port 70000',
      { type: 'state', state: 'connecting', target: { ...target, port: 70000 } },
      TypeError,
      /STATE.target.port must be an integer from 1 to 65535$/,
    ],
    [
      'an unknown notice',
      { type: 'notice', notice: { kind: 'bell' } as unknown as { kind: 'supdup' } },
      TypeError,
      /NOTICE.kind must be/,
    ],
    [
      'incomplete settings',
      { type: 'settings', settings: { ...settings, charset: '' } },
      TypeError,
      /^Cannot encode SETTINGS frame: SETTINGS.charset must be a non-empty string$/,
    ],
    ['an unknown frame type', { type: 'bell' } as unknown as ServerFrame, TypeError, /unknown type "bell"/],
  ])('refuses %s', (_name, frame, errorType, message) => {
    expect(() => encodeServerFrame(frame)).toThrow(errorType);
    expect(() => encodeServerFrame(frame)).toThrow(message);
  });
});
