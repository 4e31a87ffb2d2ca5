import { connect, type Socket } from 'node:net';
import { PeerError } from './errors.js';
import { InboundBytes } from './inbound-bytes.js';
import { LOOPBACK_HOST } from './loopback.js';
import { createTelnetParser } from './telnet-parser.js';

const IAC = 255;
const DONT = 254;
const DO = 253;
const WONT = 252;
const WILL = 251;

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
  const parser = createTelnetParser({
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

function escapeIac(bytes: Buffer): Buffer {
  if (!bytes.includes(IAC)) return bytes;
  const out: number[] = [];
  for (const byte of bytes) {
    out.push(byte);
    if (byte === IAC) out.push(IAC);
  }
  return Buffer.from(out);
}
