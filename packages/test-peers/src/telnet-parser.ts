const IAC = 255;
const WILL = 251;
const DONT = 254;
const SB = 250;
const SE = 240;
const CR = 13;
const NUL = 0;

type ParserState = 'data' | 'cr' | 'iac' | 'option' | 'sb' | 'sb-iac';

/**
 * A byte-at-a-time Telnet command parser (RFC 854) that survives commands split across chunks: data (IAC
 * IAC undone, CR NUL made a bare CR) and option negotiations; subnegotiations and other commands are
 * skipped. For test hosts and clients, which need to see what the other side sends, not to answer it.
 */
export function createTelnetParser(sink: {
  onData: (bytes: Buffer) => void;
  onNegotiation: (verb: number, option: number) => void;
}): (chunk: Buffer) => void {
  let state: ParserState = 'data';
  let verb = 0;
  return (chunk) => {
    const out: number[] = [];
    for (const byte of chunk) {
      if (state === 'cr') {
        state = 'data';
        if (byte === NUL) continue; // CR NUL is a bare CR on the wire.
      }
      switch (state) {
        case 'data':
          if (byte === IAC) state = 'iac';
          else {
            out.push(byte);
            if (byte === CR) state = 'cr';
          }
          break;
        case 'iac':
          if (byte === IAC) {
            out.push(IAC);
            state = 'data';
          } else if (byte >= WILL && byte <= DONT) {
            verb = byte;
            state = 'option';
          } else if (byte === SB) state = 'sb';
          else state = 'data'; // NOP, DM, GA and the other two-byte commands carry no data.
          break;
        case 'option':
          sink.onNegotiation(verb, byte);
          state = 'data';
          break;
        case 'sb':
          if (byte === IAC) state = 'sb-iac';
          break;
        case 'sb-iac':
          state = byte === SE ? 'data' : 'sb';
          break;
      }
    }
    if (out.length > 0) sink.onData(Buffer.from(out));
  };
}
