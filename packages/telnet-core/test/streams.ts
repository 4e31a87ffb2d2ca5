/** Random Telnet streams for property tests and fuzzing, biased towards the bytes that matter to the parser. */
import fc from 'fast-check';
import { Cmd, concatBytes, Opt } from '../src/index.js';

const INTERESTING = [
  Cmd.IAC,
  Cmd.SB,
  Cmd.SE,
  Cmd.WILL,
  Cmd.WONT,
  Cmd.DO,
  Cmd.DONT,
  Cmd.DM,
  Cmd.NOP,
  Cmd.IP,
  0x0d,
  0x0a,
  0x00,
  0xf2,
  0x80,
  0xbf,
  Opt.BINARY,
  Opt.ECHO,
  Opt.SGA,
  Opt.TIMING_MARK,
  Opt.LOGOUT,
  Opt.SUPDUP,
  Opt.TTYPE,
  Opt.NAWS,
  Opt.NEW_ENVIRON,
  Opt.CHARSET,
  Opt.STATUS,
  0x41,
];

/** One byte: half the time an interesting one. */
export const telnetByte = fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 }));

/** A well-formed piece of a Telnet stream: text, a command, a negotiation or a subnegotiation. */
export const telnetPiece = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 40 }),
  fc.constantFrom(...INTERESTING).map((b) => Uint8Array.of(b)),
  fc
    .tuple(fc.constantFrom(Cmd.WILL, Cmd.WONT, Cmd.DO, Cmd.DONT), fc.constantFrom(...INTERESTING))
    .map(([v, o]) => Uint8Array.of(Cmd.IAC, v, o)),
  fc
    .tuple(fc.constantFrom(...INTERESTING), fc.array(telnetByte, { maxLength: 30 }))
    .map(([o, body]) => Uint8Array.from([Cmd.IAC, Cmd.SB, o, ...body, Cmd.IAC, Cmd.SE])),
  fc.integer({ min: 236, max: 255 }).map((c) => Uint8Array.of(Cmd.IAC, c)),
);

export const telnetStream = fc
  .array(
    fc.oneof(
      telnetPiece,
      fc.array(telnetByte, { maxLength: 20 }).map((a) => Uint8Array.from(a)),
    ),
    {
      maxLength: 30,
    },
  )
  .map(concatBytes);

/** Cuts `bytes` at the given (sorted, deduplicated) offsets. */
export function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}
