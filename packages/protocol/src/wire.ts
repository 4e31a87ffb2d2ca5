/** Building blocks shared by the client-frame and server-frame codecs. */

import { FRAME_HEADER_SIZE } from './frame-types.js';
import { PayloadShapeError } from './payloads.js';

/** Why a frame could not be decoded. The code is always `GW_ERR_BAD_FRAME`; the message says what was wrong. */
export interface DecodeFailure {
  ok: false;
  code: 'GW_ERR_BAD_FRAME';
  message: string;
}

export type DecodeResult<Frame> = { ok: true; frame: Frame } | DecodeFailure;

/** A WebSocket binary message as Node (`Buffer`, a Uint8Array) or a browser (`ArrayBuffer`) delivers it. */
export type FrameBytes = Uint8Array | ArrayBuffer;

export function asBytes(input: FrameBytes): Uint8Array {
  return input instanceof Uint8Array ? input : new Uint8Array(input);
}

export function badFrame(message: string): DecodeFailure {
  return { ok: false, code: 'GW_ERR_BAD_FRAME', message };
}

export function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

/** The failure for a frame whose length is not the fixed length its type requires. */
export function wrongLength(name: string, layout: string, expected: number, actual: number): DecodeFailure {
  return badFrame(`${name} frame must be ${expected} bytes (${layout}), got ${actual}`);
}

/** A u16 big-endian field at `offset` (the caller has checked the length). */
export function readU16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! << 8) | bytes[offset + 1]!;
}

/** A u32 big-endian field at `offset` (the caller has checked the length). */
export function readU32(bytes: Uint8Array, offset: number): number {
  return (
    bytes[offset]! * 0x1000000 + ((bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!)
  );
}

export function writeU16(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 8;
  bytes[offset + 1] = value & 0xff;
}

export function writeU32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
}

/** Encoders refuse values the decoder would refuse, so every frame they produce decodes. */
export function requireInteger(value: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${what} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** The wire byte for `name` in a code table; throws a TypeError for a name the table lacks. */
export function codeOf<Name extends string>(codes: Record<Name, number>, name: Name, what: string): number {
  if (typeof name !== 'string' || !Object.hasOwn(codes, name)) {
    throw new TypeError(`Cannot encode ${what} "${String(name)}"`);
  }
  return codes[name];
}

/** A frame of `type` followed by a copy of `payload`. */
export function frameWithPayload(type: number, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const frame = new Uint8Array(FRAME_HEADER_SIZE + payload.length);
  frame[0] = type;
  frame.set(payload, FRAME_HEADER_SIZE);
  return frame;
}

const utf8Encoder = new TextEncoder();
/**
 * Strict, as a control payload must be refused rather than repaired when it is not well-formed UTF-8
 * (a stray or missing continuation byte, an overlong form, a surrogate); a leading byte order mark is
 * kept as U+FEFF, not stripped.
 */
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** `bytes` as strict UTF-8, or undefined when they are not well-formed UTF-8. */
function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** A frame of `type` followed by `text` in UTF-8 (lone surrogates become U+FFFD). */
export function frameWithText(type: number, text: string): Uint8Array<ArrayBuffer> {
  return frameWithPayload(type, utf8Encoder.encode(text));
}

/** A frame of a single payload byte. */
export function frameWithByte(type: number, value: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.of(type, value);
}

/** A JSON reader from `payloads.ts`: validates an untrusted value and returns a clean copy. */
export type PayloadReader<T> = (value: unknown, where: string) => T;

/**
 * Validates `payload` with the same reader the decoder uses, then encodes it as a JSON frame.
 * Throws a TypeError naming the bad field when the payload is invalid.
 */
export function encodeJsonFrame<T>(
  type: number,
  name: string,
  read: PayloadReader<T>,
  payload: unknown,
): Uint8Array<ArrayBuffer> {
  let clean: T;
  try {
    clean = read(payload, name);
  } catch (error) {
    if (error instanceof PayloadShapeError) {
      throw new TypeError(`Cannot encode ${name} frame: ${error.message}`);
    }
    throw error;
  }
  return frameWithText(type, JSON.stringify(clean));
}

/** Decodes the JSON payload after the type byte and validates it; never throws. */
export function decodeJsonPayload<T>(
  bytes: Uint8Array,
  name: string,
  read: PayloadReader<T>,
): { ok: true; value: T } | DecodeFailure {
  const text = decodeUtf8(bytes.subarray(FRAME_HEADER_SIZE));
  if (text === undefined) return badFrame(`${name} payload is not valid UTF-8`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return badFrame(`${name} payload is not valid JSON`);
  }
  try {
    return { ok: true, value: read(value, name) };
  } catch (error) {
    if (error instanceof PayloadShapeError) return badFrame(error.message);
    return badFrame(`${name} payload could not be read`);
  }
}
