import { connect, type Socket } from 'node:net';
import { PeerError } from './errors.js';
import { InboundBytes } from './inbound-bytes.js';
import { LOOPBACK_HOST } from './loopback.js';

const IAC = 255;
const DONT = 254;
const DO = 253;
const WONT = 252;
const WILL = 251;
const SB = 250;
const SE = 240;
const CR = 13;
const NUL = 0;

export type NegotiationVerb = 'WILL' | 'WONT' | 'DO' | 'DONT';

/** One option negotiation command as the server sent it. */
export interface ReceivedNegotiation {
  readonly verb: NegotiationVerb;
  readonly option: number;
}

/**
 * The smallest Telnet client that can hold a session with a real server: it refuses every option
 * (DO → WONT, WILL → DONT, RFC 854's default for an option it does not support), skips
 * subnegotiations and other commands, and exposes the raw and the data streams for assertions.
 * It shares no code with telgate's Telnet engine, so it can check that engine's peers independently.
 */
export interface RefusingTelnetClient {
  readonly socket: Socket;
  /** Every byte as the server sent it, commands included. */
  readonly raw: InboundBytes;
  /** The data stream: commands removed, CR NUL turned back into CR. */
  readonly data: InboundBytes;
  /** Every WILL/WONT/DO/DONT the server sent, in order. */
  readonly negotiations: readonly ReceivedNegotiation[];
  /** Sends text (latin1, IAC doubled) followed by CR LF, as a Telnet NVT line. */
  sendLine(text: string): void;
  /** Closes the connection and waits until it is closed. */
  close(): Promise<void>;
}

export async function connectRefusingClient(
  port: number,
  options: { host?: string; timeoutMs?: number } = {},
): Promise<RefusingTelnetClient> {
  const host = options.host ?? LOOPBACK_HOST;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const socket = connect({ host, port });
  const raw = new InboundBytes(`raw stream from ${host}:${port}`);
  const data = new InboundBytes(`data stream from ${host}:${port}`);
  const negotiations: ReceivedNegotiation[] = [];
  const parser = createParser({
    onData: (bytes) => data.append(bytes),
    onNegotiation: (verb, option) => {
      negotiations.push({ verb: VERB_NAMES[verb]!, option });
      if (verb === DO) socket.write(Buffer.from([IAC, WONT, option]));
      else if (verb === WILL) socket.write(Buffer.from([IAC, DONT, option]));
      // WONT and DONT confirm a state we already hold, so by RFC 1143 they need no answer.
    },
  });
  socket.on('data', (chunk: Buffer) => {
    raw.append(chunk);
    parser(chunk);
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      raw.close('the connection closed');
      data.close('the connection closed');
      resolve();
    }),
  );

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new PeerError('PEER_ERR_READ_TIMEOUT', `connecting to ${host}:${port} took over ${timeoutMs} ms`),
      );
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(new PeerError('PEER_ERR_CLOSED', `cannot connect to ${host}:${port}: ${error.message}`));
    });
  });

  return {
    socket,
    raw,
    data,
    negotiations,
    sendLine(text) {
      const bytes = Buffer.from(`${text}\r\n`, 'latin1');
      socket.write(escapeIac(bytes));
    },
    close() {
      socket.destroy();
      return closed;
    },
  };
}

const VERB_NAMES: Record<number, NegotiationVerb> = {
  [WILL]: 'WILL',
  [WONT]: 'WONT',
  [DO]: 'DO',
  [DONT]: 'DONT',
};

type ParserState = 'data' | 'cr' | 'iac' | 'option' | 'sb' | 'sb-iac';

/** A byte-at-a-time Telnet command parser (RFC 854) that survives commands split across chunks. */
function createParser(sink: {
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

function escapeIac(bytes: Buffer): Buffer {
  if (!bytes.includes(IAC)) return bytes;
  const out: number[] = [];
  for (const byte of bytes) {
    out.push(byte);
    if (byte === IAC) out.push(IAC);
  }
  return Buffer.from(out);
}
