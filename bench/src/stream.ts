/**
 * The synthetic output of a busy Telnet host, built together with what a Telnet client must hand to the
 * terminal from it, so every path can be checked for lost or changed bytes by length and CRC-32.
 */
import { crc32 } from 'node:zlib';
import { seededRandom } from '@telgate/test-peers';
import iconv from 'iconv-lite';
import { MiB } from './settings.js';

const IAC = 0xff;
const WILL = 0xfb;
const DO = 0xfd;
const ECHO = 1;
const SGA = 3;
const NAWS = 31;

/** What hosts send first: they echo, suppress go-ahead and ask for the window size. */
const OPENING = Buffer.from([IAC, WILL, ECHO, IAC, WILL, SGA, IAC, DO, NAWS]);
/** Repeated once per unit: an option the client already agreed to, which it must not answer again. */
const REAFFIRM = Buffer.from([IAC, WILL, ECHO]);

/** A doubled IAC (a literal 0xFF data byte) roughly this often. */
const ESCAPED_IAC_EVERY = 4096;

export interface SyntheticStream {
  /** Sent once, at the start: the opening negotiation. */
  readonly opening: Buffer;
  /** Sent `repeat` times after the opening. */
  readonly unit: Buffer;
  readonly repeat: number;
  /** What a Telnet client passes on from one unit: negotiation removed, IAC IAC as one 0xFF. */
  readonly unitData: Buffer;
}

export interface StreamExpectation {
  readonly bytes: number;
  readonly crc: number;
}

/**
 * Lines a host prints: log lines in ANSI colour, cursor addressing and erase-line as full-screen
 * programs do, box drawing and accented text in UTF-8. CR LF line ends. No byte is 0xFF (except the
 * escaped ones added later), 0xF2 (the byte a lost urgent DM leaves behind) or NUL.
 */
function hostLine(random: () => number, n: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const num = (max: number) => Math.floor(random() * max);
  switch (num(6)) {
    case 0:
      return `\x1b[${pick(['1;32', '33', '1;31', '36'])}m${pick(['INFO ', 'WARN ', 'ERROR', 'DEBUG'])}\x1b[0m 2026-11-21T17:${String(num(60)).padStart(2, '0')}:${String(num(60)).padStart(2, '0')}Z worker-${num(64)} processed ${num(100_000)} records in ${num(5000)} ms\r\n`;
    case 1:
      return `\x1b[${1 + num(24)};${1 + num(80)}H\x1b[K\x1b[7m ${pick(['F1 Help', 'F2 Save', 'F10 Quit'])} \x1b[0m status: ${pick(['running', 'idle', 'waiting'])} load ${(random() * 4).toFixed(2)}\r\n`;
    case 2:
      return `┌${'─'.repeat(20 + num(40))}┐ ${pick(['café', 'naïve', 'Grüße', 'Ελληνικά', '日本語', '✓ ok'])} line ${n}\r\n`;
    case 3:
      return `drwxr-xr-x  2 root root  4096 Nov 21 16:30 \x1b[01;34m${pick(['bin', 'etc', 'usr', 'var'])}\x1b[0m\r\n`;
    default:
      return `${'The quick brown fox jumps over the lazy dog. '.slice(0, 10 + num(36))}${num(1_000_000)}\r\n`;
  }
}

/** Builds a stream of about `totalBytes` from a unit of `unitBytes` (1 MiB by default), repeated. */
export function syntheticStream(
  totalBytes: number,
  unitBytes = Math.min(MiB, totalBytes),
  seed = 1,
): SyntheticStream {
  const random = seededRandom(seed);
  const wire: Buffer[] = [REAFFIRM];
  const data: Buffer[] = [];
  let size = REAFFIRM.length;
  let sinceIac = 0;
  for (let n = 0; size < unitBytes; n++) {
    let line = Buffer.from(hostLine(random, n), 'utf8');
    if (sinceIac + line.length >= ESCAPED_IAC_EVERY) {
      // A literal 0xFF inside the line: doubled on the wire, single in the data.
      const at = Math.floor(line.length / 2);
      data.push(Buffer.concat([line.subarray(0, at), Buffer.of(IAC), line.subarray(at)]));
      line = Buffer.concat([line.subarray(0, at), Buffer.of(IAC, IAC), line.subarray(at)]);
      sinceIac = 0;
    } else {
      data.push(line);
      sinceIac += line.length;
    }
    wire.push(line);
    size += line.length;
  }
  return {
    opening: OPENING,
    unit: Buffer.concat(wire),
    unitData: Buffer.concat(data),
    repeat: Math.max(1, Math.round(totalBytes / size)),
  };
}

export function wireBytes(stream: SyntheticStream): number {
  return stream.opening.length + stream.unit.length * stream.repeat;
}

function repeated(
  part: Uint8Array,
  repeat: number,
  prefix: Uint8Array = new Uint8Array(0),
): StreamExpectation {
  let crc = crc32(prefix);
  for (let k = 0; k < repeat; k++) crc = crc32(part, crc);
  return { bytes: prefix.length + part.length * repeat, crc };
}

/** The bytes as they leave the host: what a raw relay must deliver. */
export function expectRaw(stream: SyntheticStream): StreamExpectation {
  return repeated(stream.unit, stream.repeat, stream.opening);
}

/**
 * What a Telnet client delivers to the terminal as UTF-8 when the host's charset is `charset`. Only
 * single-byte charsets are supported here, since each unit is decoded on its own.
 */
export function expectTerminal(stream: SyntheticStream, charset = 'UTF-8'): StreamExpectation {
  if (/^utf-?8$/i.test(charset)) return repeated(stream.unitData, stream.repeat);
  const utf8 = Buffer.from(iconv.decode(stream.unitData, charset), 'utf8');
  return repeated(utf8, stream.repeat);
}

/** Running length and CRC-32 of a byte stream, as a receiver keeps it. */
export class StreamChecksum {
  bytes = 0;
  crc = 0;

  update(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    this.crc = crc32(chunk, this.crc);
  }

  matches(expected: StreamExpectation): boolean {
    return this.bytes === expected.bytes && this.crc === expected.crc;
  }
}
