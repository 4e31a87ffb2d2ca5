/**
 * UTF-8 for the codec's own strings (JSON control payloads, typed input).
 *
 * The package targets the bare ES2022 library, which has no TextEncoder/TextDecoder, so both
 * directions are written out here. Encoding matches TextEncoder (lone surrogates become U+FFFD);
 * decoding is strict (like TextDecoder with `fatal: true`) because a malformed control payload must
 * be rejected, not silently repaired.
 */

const REPLACEMENT_CHARACTER = 0xfffd;

/** The number of bytes `text` takes in UTF-8. */
export function utf8Length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) length += 1;
    else if (unit < 0x800) length += 2;
    else if (isHighSurrogate(unit) && isLowSurrogate(text.charCodeAt(i + 1))) {
      length += 4;
      i++;
    } else length += 3; // BMP character, or a lone surrogate written as U+FFFD
  }
  return length;
}

/**
 * Writes `text` as UTF-8 into `target` from `offset` and returns the offset after the last byte
 * written. `target` must have room for `utf8Length(text)` bytes from `offset`.
 */
export function writeUtf8(text: string, target: Uint8Array, offset: number): number {
  let at = offset;
  for (let i = 0; i < text.length; i++) {
    let codePoint = text.charCodeAt(i);
    if (codePoint < 0x80) {
      target[at++] = codePoint;
      continue;
    }
    if (isHighSurrogate(codePoint)) {
      const next = text.charCodeAt(i + 1);
      if (isLowSurrogate(next)) {
        codePoint = 0x10000 + ((codePoint - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else codePoint = REPLACEMENT_CHARACTER;
    } else if (isLowSurrogate(codePoint)) codePoint = REPLACEMENT_CHARACTER;

    if (codePoint < 0x800) {
      target[at++] = 0xc0 | (codePoint >> 6);
    } else if (codePoint < 0x10000) {
      target[at++] = 0xe0 | (codePoint >> 12);
      target[at++] = 0x80 | ((codePoint >> 6) & 0x3f);
    } else {
      target[at++] = 0xf0 | (codePoint >> 18);
      target[at++] = 0x80 | ((codePoint >> 12) & 0x3f);
      target[at++] = 0x80 | ((codePoint >> 6) & 0x3f);
    }
    target[at++] = 0x80 | (codePoint & 0x3f);
  }
  return at;
}

/** `text` as UTF-8 bytes. */
export function encodeUtf8(text: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(utf8Length(text));
  writeUtf8(text, bytes, 0);
  return bytes;
}

/** Code units are turned into string pieces this many at a time, to bound the argument list. */
const CHUNK_UNITS = 4096;

/**
 * Decodes strict UTF-8 (Unicode §3.9, table 3-7). Returns undefined when `bytes` holds anything but
 * well-formed UTF-8: a stray or missing continuation byte, an overlong form, a surrogate code point,
 * or a code point above U+10FFFF. A leading byte order mark is kept as U+FEFF, not stripped.
 */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  let text = '';
  const units: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    let codePoint: number;
    let continuations: number;
    let minimum: number;
    if (lead < 0x80) {
      codePoint = lead;
      continuations = 0;
      minimum = 0;
    } else if (lead >= 0xc2 && lead <= 0xdf) {
      codePoint = lead & 0x1f;
      continuations = 1;
      minimum = 0x80;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      codePoint = lead & 0x0f;
      continuations = 2;
      minimum = 0x800;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      codePoint = lead & 0x07;
      continuations = 3;
      minimum = 0x10000;
    } else {
      return undefined; // a continuation byte with no lead, C0/C1 (always overlong), or F5–FF
    }
    if (i + continuations >= bytes.length) return undefined; // truncated sequence
    for (let k = 1; k <= continuations; k++) {
      const byte = bytes[i + k]!;
      if ((byte & 0xc0) !== 0x80) return undefined;
      codePoint = (codePoint << 6) | (byte & 0x3f);
    }
    if (codePoint < minimum || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
      return undefined;
    }
    i += continuations + 1;

    if (codePoint < 0x10000) units.push(codePoint);
    else {
      const offset = codePoint - 0x10000;
      units.push(0xd800 | (offset >> 10), 0xdc00 | (offset & 0x3ff));
    }
    if (units.length >= CHUNK_UNITS) {
      text += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return text + String.fromCharCode(...units);
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
