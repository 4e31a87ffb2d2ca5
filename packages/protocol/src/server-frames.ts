/** Frames the gateway sends to the browser. */

import {
  ClientFrameType,
  FRAME_HEADER_SIZE,
  LOGOUT_RESULT_CODES,
  type LogoutResult,
  MAX_U16,
  MAX_U32,
  OPTION_SIDE_CODES,
  type OptionSide,
  OUTPUT_HEADER_SIZE,
  reverseCodes,
  SCREEN_HEADER_SIZE,
  ServerFrameType,
  SUBPROTOCOL,
  SUBPROTOCOL_V2,
  type Subprotocol,
  TRACE_DIRECTION_CODES,
  type TraceDirection,
} from './frame-types.js';
import {
  type EffectiveSettings,
  type Notice,
  readEffectiveSettings,
  readNotice,
  readSessionState,
  type SessionState,
} from './payloads.js';
import {
  asBytes,
  badFrame,
  codeOf,
  type DecodeResult,
  decodeJsonPayload,
  encodeJsonFrame,
  type FrameBytes,
  frameWithByte,
  frameWithPayload,
  hex,
  readU16,
  readU32,
  requireInteger,
  writeU16,
  writeU32,
  wrongLength,
} from './wire.js';

export type ServerFrame =
  /** Terminal output, always UTF-8 whatever the host's charset. */
  | { type: 'output'; data: Uint8Array }
  | ({ type: 'state' } & SessionState)
  /** A Telnet option was enabled or disabled on one side of the host connection. */
  | { type: 'option'; side: OptionSide; option: number; enabled: boolean }
  /** One Telnet command exactly as it crossed the host connection (IAC …), for a negotiation inspector. */
  | { type: 'trace'; direction: TraceDirection; bytes: Uint8Array }
  | { type: 'logout-result'; result: LogoutResult }
  | { type: 'notice'; notice: Notice }
  | { type: 'settings'; settings: EffectiveSettings }
  /**
   * telgate.v2: the terminal as it stands — `data` is UTF-8 text with escape sequences that, written
   * to a freshly reset terminal of `cols`×`rows`, rebuild its scrollback, screen, cursor and modes.
   * Its data bytes count for flow control exactly like OUTPUT payload bytes.
   */
  | { type: 'screen'; cols: number; rows: number; data: Uint8Array }
  /**
   * Sent after `intervalMs` without any other frame, and once when the session starts: a page that
   * receives nothing for about twice the interval can tell the gateway has stopped answering.
   */
  | { type: 'heartbeat'; intervalMs: number };

const OPTION_LENGTH = FRAME_HEADER_SIZE + 3;
const LOGOUT_RESULT_LENGTH = FRAME_HEADER_SIZE + 1;
const HEARTBEAT_LENGTH = FRAME_HEADER_SIZE + 4;

const sideByCode = reverseCodes(OPTION_SIDE_CODES);
const directionByCode = reverseCodes(TRACE_DIRECTION_CODES);
const logoutResultByCode = reverseCodes(LOGOUT_RESULT_CODES);

/** Encodes a frame for the browser. Throws a RangeError or TypeError for values the protocol cannot carry. */
export function encodeServerFrame(frame: ServerFrame): Uint8Array<ArrayBuffer> {
  switch (frame.type) {
    case 'output':
      return encodeOutput(frame.data);
    case 'state':
      return encodeJsonFrame(ServerFrameType.STATE, 'STATE', readSessionState, frame);
    case 'option':
      return Uint8Array.of(
        ServerFrameType.OPTION,
        codeOf(OPTION_SIDE_CODES, frame.side, 'OPTION side'),
        requireInteger(frame.option, 0, 255, 'OPTION option code'),
        frame.enabled ? 1 : 0,
      );
    case 'trace': {
      if (frame.bytes.length === 0) throw new RangeError('Cannot encode TRACE frame: no command bytes');
      const bytes = new Uint8Array(FRAME_HEADER_SIZE + 1 + frame.bytes.length);
      bytes[0] = ServerFrameType.TRACE;
      bytes[1] = codeOf(TRACE_DIRECTION_CODES, frame.direction, 'TRACE direction');
      bytes.set(frame.bytes, FRAME_HEADER_SIZE + 1);
      return bytes;
    }
    case 'logout-result':
      return frameWithByte(
        ServerFrameType.LOGOUT_RESULT,
        codeOf(LOGOUT_RESULT_CODES, frame.result, 'LOGOUT_RESULT result'),
      );
    case 'notice':
      return encodeJsonFrame(ServerFrameType.NOTICE, 'NOTICE', readNotice, frame.notice);
    case 'settings':
      return encodeJsonFrame(ServerFrameType.SETTINGS, 'SETTINGS', readEffectiveSettings, frame.settings);
    case 'screen': {
      const bytes = new Uint8Array(SCREEN_HEADER_SIZE + frame.data.length);
      bytes[0] = ServerFrameType.SCREEN;
      writeU16(bytes, 1, requireInteger(frame.cols, 1, MAX_U16, 'SCREEN cols'));
      writeU16(bytes, 3, requireInteger(frame.rows, 1, MAX_U16, 'SCREEN rows'));
      bytes.set(frame.data, SCREEN_HEADER_SIZE);
      return bytes;
    }
    case 'heartbeat': {
      const bytes = new Uint8Array(HEARTBEAT_LENGTH);
      bytes[0] = ServerFrameType.HEARTBEAT;
      writeU32(bytes, 1, requireInteger(frame.intervalMs, 1, MAX_U32, 'HEARTBEAT interval'));
      return bytes;
    }
    default:
      throw new TypeError(
        `Cannot encode server frame of unknown type "${(frame as { type: unknown }).type}"`,
      );
  }
}

/** An OUTPUT frame holding a copy of `data` (UTF-8). */
export function encodeOutput(data: Uint8Array): Uint8Array<ArrayBuffer> {
  return frameWithPayload(ServerFrameType.OUTPUT, data);
}

/**
 * Marks `buffer` as an OUTPUT frame whose payload the caller has written (or will write) from
 * offset `OUTPUT_HEADER_SIZE`, so terminal bytes go into the frame without a second copy.
 */
export function writeOutputHeader(buffer: Uint8Array): void {
  if (buffer.length < OUTPUT_HEADER_SIZE) {
    throw new RangeError('An OUTPUT frame buffer needs room for its header');
  }
  buffer[0] = ServerFrameType.OUTPUT;
}

/**
 * Decodes a frame from the gateway. Never throws: anything malformed gives `{ ok: false, code:
 * 'GW_ERR_BAD_FRAME', message }`. OUTPUT data and TRACE bytes are views into `input`, not copies.
 */
/** What only `telgate.v2` adds to the gateway's frames. */
const V2_NOTICE_KINDS: ReadonlySet<string> = new Set(['resumed', 'output-skipped']);

/**
 * Decode one gateway frame as `subprotocol` defines it. On `telgate.v1` (the default) a SCREEN frame
 * and the v2 notice kinds are errors, and STATE's `resume` field is an unknown field, so it is dropped.
 */
export function decodeServerFrame(
  input: FrameBytes,
  subprotocol: Subprotocol = SUBPROTOCOL,
): DecodeResult<ServerFrame> {
  const result = decodeAnyServerFrame(input);
  if (!result.ok || subprotocol === SUBPROTOCOL_V2) return result;
  const { frame } = result;
  if (frame.type === 'screen') {
    return badFrame(`frame type ${hex(ServerFrameType.SCREEN)} (SCREEN) needs ${SUBPROTOCOL_V2}`);
  }
  if (frame.type === 'notice' && V2_NOTICE_KINDS.has(frame.notice.kind)) {
    return badFrame(`NOTICE kind "${frame.notice.kind}" needs ${SUBPROTOCOL_V2}`);
  }
  if (frame.type === 'state' && frame.state === 'connected' && frame.resume !== undefined) {
    const { resume: _dropped, ...v1State } = frame;
    return { ok: true, frame: v1State };
  }
  return result;
}

function decodeAnyServerFrame(input: FrameBytes): DecodeResult<ServerFrame> {
  const bytes = asBytes(input);
  if (bytes.length === 0) return badFrame('empty frame: a frame starts with its type byte');
  const type = bytes[0]!;
  switch (type) {
    case ServerFrameType.OUTPUT:
      return { ok: true, frame: { type: 'output', data: bytes.subarray(FRAME_HEADER_SIZE) } };
    case ServerFrameType.STATE: {
      const state = decodeJsonPayload(bytes, 'STATE', readSessionState);
      return state.ok ? { ok: true, frame: { type: 'state', ...state.value } } : state;
    }
    case ServerFrameType.OPTION: {
      if (bytes.length !== OPTION_LENGTH) {
        return wrongLength('OPTION', 'type, u8 side, u8 option, u8 enabled', OPTION_LENGTH, bytes.length);
      }
      const side = sideByCode[bytes[1]!];
      if (side === undefined)
        return badFrame(`OPTION side must be 0 (local) or 1 (remote), got ${hex(bytes[1]!)}`);
      const enabled = bytes[3]!;
      if (enabled > 1) return badFrame(`OPTION enabled must be 0 or 1, got ${hex(enabled)}`);
      return { ok: true, frame: { type: 'option', side, option: bytes[2]!, enabled: enabled === 1 } };
    }
    case ServerFrameType.TRACE: {
      if (bytes.length < FRAME_HEADER_SIZE + 2) {
        return badFrame(
          `TRACE frame needs a direction byte and at least one command byte, got ${bytes.length} bytes`,
        );
      }
      const direction = directionByCode[bytes[1]!];
      if (direction === undefined)
        return badFrame(`TRACE direction must be 0 (in) or 1 (out), got ${hex(bytes[1]!)}`);
      return { ok: true, frame: { type: 'trace', direction, bytes: bytes.subarray(FRAME_HEADER_SIZE + 1) } };
    }
    case ServerFrameType.LOGOUT_RESULT: {
      if (bytes.length !== LOGOUT_RESULT_LENGTH) {
        return wrongLength('LOGOUT_RESULT', 'type, u8 result', LOGOUT_RESULT_LENGTH, bytes.length);
      }
      const result = logoutResultByCode[bytes[1]!];
      if (result === undefined) return badFrame(`LOGOUT_RESULT has unknown result ${hex(bytes[1]!)}`);
      return { ok: true, frame: { type: 'logout-result', result } };
    }
    case ServerFrameType.NOTICE: {
      const notice = decodeJsonPayload(bytes, 'NOTICE', readNotice);
      return notice.ok ? { ok: true, frame: { type: 'notice', notice: notice.value } } : notice;
    }
    case ServerFrameType.SETTINGS: {
      const settings = decodeJsonPayload(bytes, 'SETTINGS', readEffectiveSettings);
      return settings.ok ? { ok: true, frame: { type: 'settings', settings: settings.value } } : settings;
    }
    case ServerFrameType.SCREEN: {
      if (bytes.length < SCREEN_HEADER_SIZE) {
        return badFrame(
          `SCREEN frame needs u16 cols and u16 rows before its text, got ${bytes.length} bytes in all`,
        );
      }
      const cols = readU16(bytes, 1);
      const rows = readU16(bytes, 3);
      if (cols === 0 || rows === 0)
        return badFrame(`SCREEN needs at least 1 column and 1 row, got ${cols}×${rows}`);
      return { ok: true, frame: { type: 'screen', cols, rows, data: bytes.subarray(SCREEN_HEADER_SIZE) } };
    }
    case ServerFrameType.HEARTBEAT: {
      if (bytes.length !== HEARTBEAT_LENGTH) {
        return wrongLength('HEARTBEAT', 'type, u32 interval in ms', HEARTBEAT_LENGTH, bytes.length);
      }
      const intervalMs = readU32(bytes, 1);
      if (intervalMs === 0) return badFrame('HEARTBEAT interval must be at least 1 ms');
      return { ok: true, frame: { type: 'heartbeat', intervalMs } };
    }
    default:
      return badFrame(
        isClientFrameType(type)
          ? `frame type ${hex(type)} is sent by the browser, not to it`
          : `unknown frame type ${hex(type)}`,
      );
  }
}

function isClientFrameType(type: number): boolean {
  return (Object.values(ClientFrameType) as number[]).includes(type);
}
