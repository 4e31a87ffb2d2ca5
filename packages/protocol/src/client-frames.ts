/** Frames the browser sends to the gateway. */

import {
  ACTION_CODES,
  type Action,
  ClientFrameType,
  FRAME_HEADER_SIZE,
  INPUT_HEADER_SIZE,
  MAX_U16,
  MAX_U32,
  reverseCodes,
  ServerFrameType,
  SUBPROTOCOL,
  SUBPROTOCOL_V2,
  type Subprotocol,
} from './frame-types.js';
import {
  type ResumeRequest,
  readResumeRequest,
  readSettingsUpdate,
  type SettingsUpdate,
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
  frameWithText,
  hex,
  readU16,
  readU32,
  requireInteger,
  writeU16,
  writeU32,
  wrongLength,
} from './wire.js';

export type ClientFrame =
  /** What the user typed or pasted, in UTF-8. The gateway applies the charset, end-of-line mode and IAC doubling. */
  | { type: 'input'; data: Uint8Array }
  /** The terminal's size in character cells (sent to the host with NAWS). */
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'action'; action: Action }
  /** How many more OUTPUT payload bytes the terminal has finished rendering (flow control). */
  | { type: 'ack'; count: number }
  | { type: 'settings'; settings: SettingsUpdate }
  /** telgate.v2, and only as a socket's first frame: take over the detached session this credential names. */
  | ({ type: 'resume' } & ResumeRequest);

const RESIZE_LENGTH = FRAME_HEADER_SIZE + 4;
const ACTION_LENGTH = FRAME_HEADER_SIZE + 1;
const ACK_LENGTH = FRAME_HEADER_SIZE + 4;

const actionByCode = reverseCodes(ACTION_CODES);

/** Encodes a frame for the gateway. Throws a RangeError or TypeError for values the protocol cannot carry. */
export function encodeClientFrame(frame: ClientFrame): Uint8Array<ArrayBuffer> {
  switch (frame.type) {
    case 'input':
      return encodeInput(frame.data);
    case 'resize': {
      const bytes = new Uint8Array(RESIZE_LENGTH);
      bytes[0] = ClientFrameType.RESIZE;
      writeU16(bytes, 1, requireInteger(frame.cols, 1, MAX_U16, 'RESIZE cols'));
      writeU16(bytes, 3, requireInteger(frame.rows, 1, MAX_U16, 'RESIZE rows'));
      return bytes;
    }
    case 'action':
      return frameWithByte(ClientFrameType.ACTION, codeOf(ACTION_CODES, frame.action, 'ACTION action'));
    case 'ack':
      return encodeAck(frame.count);
    case 'settings':
      return encodeJsonFrame(ClientFrameType.SETTINGS, 'SETTINGS', readSettingsUpdate, frame.settings);
    case 'resume':
      return encodeJsonFrame(ClientFrameType.RESUME, 'RESUME', readResumeRequest, {
        credential: frame.credential,
      });
    default:
      throw new TypeError(
        `Cannot encode client frame of unknown type "${(frame as { type: unknown }).type}"`,
      );
  }
}

/** An INPUT frame holding a copy of `data` (UTF-8). */
export function encodeInput(data: Uint8Array): Uint8Array<ArrayBuffer> {
  return frameWithPayload(ClientFrameType.INPUT, data);
}

/** An INPUT frame for typed or pasted text, in UTF-8. */
export function encodeInputText(text: string): Uint8Array<ArrayBuffer> {
  return frameWithText(ClientFrameType.INPUT, text);
}

/**
 * Marks `buffer` as an INPUT frame whose payload the caller has written (or will write) from
 * offset `INPUT_HEADER_SIZE`, so the frame is built without a second copy.
 */
export function writeInputHeader(buffer: Uint8Array): void {
  if (buffer.length < INPUT_HEADER_SIZE) {
    throw new RangeError('An INPUT frame buffer needs room for its header');
  }
  buffer[0] = ClientFrameType.INPUT;
}

/** An ACK frame for `count` rendered OUTPUT payload bytes (1 to 2³²−1). */
export function encodeAck(count: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(ACK_LENGTH);
  bytes[0] = ClientFrameType.ACK;
  writeU32(bytes, 1, requireInteger(count, 1, MAX_U32, 'ACK count'));
  return bytes;
}

/**
 * Decodes a frame from the browser. Never throws: anything malformed gives `{ ok: false, code:
 * 'GW_ERR_BAD_FRAME', message }`. INPUT data is a view into `input`, not a copy.
 */
/**
 * Decode one client frame as `subprotocol` defines it: on `telgate.v1` (the default) a RESUME frame
 * is an error, since only `telgate.v2` has it.
 */
export function decodeClientFrame(
  input: FrameBytes,
  subprotocol: Subprotocol = SUBPROTOCOL,
): DecodeResult<ClientFrame> {
  const result = decodeAnyClientFrame(input);
  if (result.ok && result.frame.type === 'resume' && subprotocol !== SUBPROTOCOL_V2) {
    return badFrame(`frame type ${hex(ClientFrameType.RESUME)} (RESUME) needs ${SUBPROTOCOL_V2}`);
  }
  return result;
}

function decodeAnyClientFrame(input: FrameBytes): DecodeResult<ClientFrame> {
  const bytes = asBytes(input);
  if (bytes.length === 0) return badFrame('empty frame: a frame starts with its type byte');
  const type = bytes[0]!;
  switch (type) {
    case ClientFrameType.INPUT:
      return { ok: true, frame: { type: 'input', data: bytes.subarray(FRAME_HEADER_SIZE) } };
    case ClientFrameType.RESIZE: {
      if (bytes.length !== RESIZE_LENGTH) {
        return wrongLength('RESIZE', 'type, u16 cols, u16 rows', RESIZE_LENGTH, bytes.length);
      }
      const cols = readU16(bytes, 1);
      const rows = readU16(bytes, 3);
      if (cols === 0 || rows === 0)
        return badFrame(`RESIZE needs at least 1 column and 1 row, got ${cols}×${rows}`);
      return { ok: true, frame: { type: 'resize', cols, rows } };
    }
    case ClientFrameType.ACTION: {
      if (bytes.length !== ACTION_LENGTH)
        return wrongLength('ACTION', 'type, u8 action', ACTION_LENGTH, bytes.length);
      const action = actionByCode[bytes[1]!];
      if (action === undefined) return badFrame(`ACTION frame has unknown action ${hex(bytes[1]!)}`);
      return { ok: true, frame: { type: 'action', action } };
    }
    case ClientFrameType.ACK: {
      if (bytes.length !== ACK_LENGTH) return wrongLength('ACK', 'type, u32 count', ACK_LENGTH, bytes.length);
      const count = readU32(bytes, 1);
      if (count === 0) return badFrame('ACK count must be at least 1');
      return { ok: true, frame: { type: 'ack', count } };
    }
    case ClientFrameType.SETTINGS: {
      const settings = decodeJsonPayload(bytes, 'SETTINGS', readSettingsUpdate);
      return settings.ok ? { ok: true, frame: { type: 'settings', settings: settings.value } } : settings;
    }
    case ClientFrameType.RESUME: {
      const resume = decodeJsonPayload(bytes, 'RESUME', readResumeRequest);
      return resume.ok ? { ok: true, frame: { type: 'resume', ...resume.value } } : resume;
    }
    default:
      return badFrame(
        isServerFrameType(type)
          ? `frame type ${hex(type)} is sent by the gateway, not to it`
          : `unknown frame type ${hex(type)}`,
      );
  }
}

function isServerFrameType(type: number): boolean {
  return (Object.values(ServerFrameType) as number[]).includes(type);
}
