/** fast-check generators for valid frames of every type, shared by the codec's property tests. */

import fc from 'fast-check';
import type { ClientFrame } from '../client-frames.js';
import { GATEWAY_ERRORS, type GatewayErrorCode } from '../close-codes.js';
import { ACTION_CODES, type Action, LOGOUT_RESULT_CODES, type LogoutResult } from '../frame-types.js';
import {
  BACKSPACE_KEYS,
  type EffectiveSettings,
  EOL_MODES,
  LOCAL_ECHO_MODES,
  type Notice,
  type ResumeInfo,
  type SessionState,
  type SettingsUpdate,
  type TargetInfo,
  TERMINAL_MODES,
} from '../payloads.js';
import type { ServerFrame } from '../server-frames.js';

/** Any UTF-16 string, lone surrogates included: JSON.stringify escapes them, so they survive the trip. */
export const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)), maxLength: 40 }),
);

const nonEmptyString = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 });
const bytes = fc.uint8Array({ maxLength: 64 });
const credentialArb = fc.string({
  unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
  minLength: 16,
  maxLength: 64,
});
const countArb = fc.nat({ max: Number.MAX_SAFE_INTEGER });

export const actionArb: fc.Arbitrary<Action> = fc.constantFrom(...(Object.keys(ACTION_CODES) as Action[]));

export const settingsUpdateArb: fc.Arbitrary<SettingsUpdate> = fc.record(
  {
    eol: fc.constantFrom(...EOL_MODES),
    backspace: fc.constantFrom(...BACKSPACE_KEYS),
    localEcho: fc.constantFrom(...LOCAL_ECHO_MODES),
    charset: fc.string({ minLength: 1, maxLength: 40 }),
  },
  { requiredKeys: [] },
);

export const clientFrameArb: fc.Arbitrary<ClientFrame> = fc.oneof(
  bytes.map((data) => ({ type: 'input' as const, data })),
  fc
    .record({ cols: fc.integer({ min: 1, max: 0xffff }), rows: fc.integer({ min: 1, max: 0xffff }) })
    .map(({ cols, rows }) => ({ type: 'resize' as const, cols, rows })),
  actionArb.map((action) => ({ type: 'action' as const, action })),
  fc.integer({ min: 1, max: 0xffffffff }).map((count) => ({ type: 'ack' as const, count })),
  settingsUpdateArb.map((settings) => ({ type: 'settings' as const, settings })),
  credentialArb.map((credential) => ({ type: 'resume' as const, credential })),
);

const targetArb: fc.Arbitrary<TargetInfo> = fc.record(
  {
    id: nonEmptyString,
    label: fc.string({ unit: 'binary', maxLength: 40 }),
    host: nonEmptyString,
    port: fc.integer({ min: 1, max: 65535 }),
    charset: nonEmptyString,
    terminalMode: fc.constantFrom(...TERMINAL_MODES),
  },
  { requiredKeys: ['id', 'label', 'host', 'port', 'charset'] },
);

const resumeInfoArb: fc.Arbitrary<ResumeInfo> = fc.record({
  credential: credentialArb,
  graceSeconds: countArb,
});

const sessionStateArb: fc.Arbitrary<SessionState> = fc.oneof(
  fc.record(
    { state: fc.constant('connecting' as const), target: targetArb, sessionId: nonEmptyString },
    { requiredKeys: ['state'] },
  ),
  fc.record(
    {
      state: fc.constant('connected' as const),
      target: targetArb,
      sessionId: nonEmptyString,
      resume: resumeInfoArb,
    },
    { requiredKeys: ['state'] },
  ),
  fc.record(
    {
      state: fc.constant('closed' as const),
      target: targetArb,
      sessionId: nonEmptyString,
      code: fc.constantFrom(...(Object.keys(GATEWAY_ERRORS) as GatewayErrorCode[])),
      reason: anyString,
    },
    { requiredKeys: ['state'] },
  ),
);

const noticeArb: fc.Arbitrary<Notice> = fc.oneof(
  fc.constant({ kind: 'auto-logout-warning' as const }),
  fc.constant({ kind: 'supdup' as const }),
  fc.record({
    kind: fc.constant('supdup' as const),
    terminal: fc.record({
      cols: fc.nat(200),
      rows: fc.nat(200),
      ttyopt: fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }),
    }),
  }),
  fc.record({ kind: fc.constant('warning' as const), code: nonEmptyString, message: anyString }),
  fc.record({ kind: fc.constant('resumed' as const), awayMs: countArb, inputReceived: countArb }),
  fc.record({ kind: fc.constant('output-skipped' as const), bytes: countArb }),
);

const effectiveSettingsArb: fc.Arbitrary<EffectiveSettings> = fc.record({
  eol: fc.constantFrom(...EOL_MODES),
  backspace: fc.constantFrom(...BACKSPACE_KEYS),
  localEcho: fc.constantFrom(...LOCAL_ECHO_MODES),
  charset: nonEmptyString,
  remoteEcho: fc.boolean(),
});

export const serverFrameArb: fc.Arbitrary<ServerFrame> = fc.oneof(
  fc.integer({ min: 1, max: 0xffffffff }).map((intervalMs) => ({ type: 'heartbeat' as const, intervalMs })),
  bytes.map((data) => ({ type: 'output' as const, data })),
  sessionStateArb.map((state): ServerFrame => ({ type: 'state', ...state })),
  fc
    .record({
      side: fc.constantFrom('local' as const, 'remote' as const),
      option: fc.nat(255),
      enabled: fc.boolean(),
    })
    .map((option) => ({ type: 'option' as const, ...option })),
  fc
    .record({
      direction: fc.constantFrom('in' as const, 'out' as const),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
    })
    .map((trace) => ({ type: 'trace' as const, ...trace })),
  fc
    .constantFrom(...(Object.keys(LOGOUT_RESULT_CODES) as LogoutResult[]))
    .map((result) => ({ type: 'logout-result' as const, result })),
  noticeArb.map((notice) => ({ type: 'notice' as const, notice })),
  effectiveSettingsArb.map((settings) => ({ type: 'settings' as const, settings })),
  fc
    .record({
      cols: fc.integer({ min: 1, max: 0xffff }),
      rows: fc.integer({ min: 1, max: 0xffff }),
      data: bytes,
    })
    .map((screen) => ({ type: 'screen' as const, ...screen })),
);

/**
 * Bytes that are often almost a valid frame: a valid frame truncated, extended, or with one byte
 * changed, mixed with pure noise and with arbitrary JSON behind each JSON frame type.
 */
export function nearFrameBytesArb(
  validFrames: fc.Arbitrary<Uint8Array>,
  jsonTypes: readonly number[],
): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 32 }),
    fc.tuple(validFrames, fc.nat()).map(([frame, cut]) => frame.subarray(0, cut % (frame.length + 1))),
    fc
      .tuple(validFrames, fc.uint8Array({ minLength: 1, maxLength: 4 }))
      .map(([frame, extra]) => Uint8Array.from([...frame, ...extra])),
    fc.tuple(validFrames, fc.nat(), fc.nat(255)).map(([frame, at, value]) => {
      const copy = Uint8Array.from(frame);
      copy[at % copy.length] = value;
      return copy;
    }),
    fc.tuple(fc.constantFrom(...jsonTypes), fc.jsonValue()).map(([type, value]) => {
      return Uint8Array.from([type, ...Buffer.from(JSON.stringify(value) ?? '')]);
    }),
  );
}
