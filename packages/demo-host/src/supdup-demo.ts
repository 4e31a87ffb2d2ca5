import { createServer, type Server, type Socket } from 'node:net';
import {
  ITP_BUCKY_FLAG,
  ITP_CURSOR_POSITION,
  ITP_ESCAPE,
  SUPDUP_ESCAPE,
  SUPDUP_LOCATION,
  SUPDUP_LOGOUT,
  Td,
} from '@telgate/supdup';

/**
 * The built-in SUPDUP demo (RFC 734): reads the terminal's initialization, greets, asks for a login
 * name, draws a small full-screen page with %TD codes, asks for the cursor with an output reset
 * (%TDORS), then shows each key typed with its bucky bits until the user types Q or logs out.
 */
export interface SupdupDemoHost {
  readonly host: string;
  readonly port: number;
  /** Stops listening and ends every connection; resolves once the listener is closed. */
  close(): Promise<void>;
}

export const SUPDUP_DEMO_GREETING = 'telgate SUPDUP demo host';

/** At most this many variables are read from the initialization (RFC 747 defines 8). */
const MAX_VARIABLES = 32;
/** A login name longer than this is cut. */
const MAX_NAME = 32;
const MAX_SESSIONS = 100;
const RUBOUT = 0o177;
const CR = 0o15;
/** The greeting takes two lines; `login:` is on the third. */
const LOGIN_ROW = 2;

type Part = string | number | readonly number[];

/** One character as SUPDUP delivers it: 7-bit code and the bucky bits (RFC 734 "BUCKY BITS"). */
interface Key {
  readonly char: number;
  readonly bits: number;
}

/** Starts the SUPDUP demo on `host`:`port` (0: any free port). */
export async function startSupdupDemoHost(
  options: { host?: string; port?: number; onError?: (error: unknown) => void } = {},
): Promise<SupdupDemoHost> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    if (sockets.size >= MAX_SESSIONS) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    try {
      runSession(socket);
    } catch (error) {
      options.onError?.(error);
      socket.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => options.onError?.(error));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the SUPDUP demo is not on TCP');
  return {
    host: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function runSession(socket: Socket): void {
  let init: number[] = [];
  let initWanted = -1;
  let rows = 24;
  let state: 'login' | 'demo' | 'keys' = 'login';
  let name = '';
  // Input decoding (RFC 734 "INPUT" and the 300 escape).
  let reading: 'none' | 'itp' | 'bucky' | 'row' | 'col' | 'supdup' | 'location' = 'none';
  let bits = 0;
  let reportRow = 0;
  let reportCol = 0;
  let keysShown = 0;

  const write = (...parts: Part[]) => {
    const bytes: number[] = [];
    for (const part of parts) {
      if (typeof part === 'string') for (const char of part) bytes.push(char.charCodeAt(0) & 0x7f);
      else if (typeof part === 'number') bytes.push(part);
      else bytes.push(...part);
    }
    if (!socket.destroyed) socket.write(Uint8Array.from(bytes));
  };

  const start = () => {
    // TCMXV is the third variable; the screen is at least 18 lines for this page.
    rows = Math.max(18, Math.min(128, init[3] ?? 24));
    write(`${SUPDUP_DEMO_GREETING}\r\n`, 'A SUPDUP session drawn by the gateway in your browser.', Td.NOP);
    write(Td.CRL, 'login: ');
  };

  const drawDemo = () => {
    write(Td.CLR, `SUPDUP demo for ${name}`);
    write(Td.MV0, 2, 0, '+--------------------------+', Td.MV0, 3, 0, '|', Td.MV0, 3, 27, '|');
    write(Td.MV0, 4, 0, '+--------------------------+', Td.MV0, 3, 2, 'drawn with %TD codes');
    write(Td.MV0, 6, 0, 'line two', Td.MV0, 6, 0, Td.ILP, 1, 'line one (inserted above)');
    write(Td.MV0, 8, 0, 'erase the end: XXXXXXXX', Td.MV0, 8, 15, Td.EOL, 'done');
    write(Td.MV0, 9, 0, 'abcdef', Td.MV0, 9, 3, Td.DCP, 2, Td.MV0, 9, 0, Td.ICP, 1, '>');
    write(Td.MV0, 10, 0, Td.BOW, 'inverse video', Td.RST);
    write(Td.MV0, 12, 0, 'asking for the cursor (%TDORS)...');
    // The client answers 034 020 vpos hpos: where it believes the cursor is (row 12, col 33).
    write(Td.ORS);
    state = 'demo';
  };

  const showKeys = () => {
    write(Td.MV0, 13, 0, `cursor reported at ${reportRow},${reportCol}`, Td.EOL);
    write(Td.MV0, 15, 0, 'Type keys (Ctrl, Alt/Meta): each shows its SUPDUP code. Q logs out.');
    write(Td.MV0, rows - 1, 0, '>', Td.EOL);
    state = 'keys';
  };

  const onKey = (key: Key) => {
    if (state === 'login') {
      if (key.char === CR && key.bits === 0) {
        if (name === '') name = 'guest';
        drawDemo();
      } else if (key.char === RUBOUT) {
        if (name.length === 0) return;
        name = name.slice(0, -1);
        write(Td.MV0, LOGIN_ROW, 7 + name.length, Td.EOL);
      } else if (key.bits === 0 && key.char >= 0o40 && key.char < RUBOUT && name.length < MAX_NAME) {
        name += String.fromCharCode(key.char);
        write(key.char);
      }
      return;
    }
    if (state !== 'keys') return;
    if (key.bits === 0 && (key.char === 0o121 || key.char === 0o161)) {
      write(Td.CLR, `Goodbye, ${name}.`, Td.CRL);
      socket.end();
      return;
    }
    keysShown++;
    const line = 16 + ((keysShown - 1) % Math.max(1, rows - 18));
    write(Td.MV0, line, 0, `key ${describeKey(key)}`, Td.EOL, Td.MV0, rows - 1, 1);
  };

  const onByte = (byte: number) => {
    switch (reading) {
      case 'itp':
        if (byte === ITP_ESCAPE) {
          reading = 'none';
          onKey({ char: byte, bits: 0 });
        } else if (byte === ITP_CURSOR_POSITION) reading = 'row';
        else if (byte & ITP_BUCKY_FLAG) {
          bits = byte & 0o37;
          reading = 'bucky';
        } else reading = 'none';
        return;
      case 'bucky':
        reading = 'none';
        onKey({ char: byte & 0o177, bits });
        return;
      case 'row':
        reportRow = byte;
        reading = 'col';
        return;
      case 'col':
        reading = 'none';
        reportCol = byte;
        if (state === 'demo') showKeys();
        return;
      case 'supdup':
        if (byte === SUPDUP_LOGOUT) {
          socket.end();
          reading = 'none';
        } else reading = byte === SUPDUP_LOCATION ? 'location' : 'none';
        return;
      case 'location':
        if (byte === 0) reading = 'none';
        return;
      case 'none':
        if (byte === ITP_ESCAPE) reading = 'itp';
        else if (byte === SUPDUP_ESCAPE) reading = 'supdup';
        else if (byte < 0o200) onKey({ char: byte, bits: 0 });
        return;
    }
  };

  socket.on('data', (chunk: Buffer) => {
    let offset = 0;
    while (initWanted !== 0 && offset < chunk.length) {
      init.push(chunk[offset++]!);
      if (initWanted < 0 && init.length === 6) {
        // −count,,0: the left half is the count as an 18-bit negative number.
        const left = (((init[0]! & 0o77) << 12) | ((init[1]! & 0o77) << 6) | (init[2]! & 0o77)) >>> 0;
        const count = 0o1000000 - left;
        if (left < 0o400000 || count > MAX_VARIABLES) {
          socket.destroy();
          return;
        }
        initWanted = 6 * count;
        init = [];
      } else if (initWanted > 0 && init.length === initWanted) {
        init = words(init);
        initWanted = 0;
        start();
      }
    }
    for (; offset < chunk.length; offset++) onByte(chunk[offset]!);
  });
}

/** Six 6-bit bytes a word; the values here (sizes) fit in the right half. */
function words(bytes: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i + 6 <= bytes.length; i += 6) {
    let right = 0;
    for (let k = 3; k < 6; k++) right = right * 64 + (bytes[i + k]! & 0o77);
    out.push(right);
  }
  return [0, ...out];
}

/** `C-M-x (octal 0603)`: the bucky bits as prefixes, then the character and its 12-bit code. */
export function describeKey(key: Key): string {
  const prefixes = [
    key.bits & 0o1 ? 'C-' : '',
    key.bits & 0o2 ? 'M-' : '',
    key.bits & 0o4 ? 's-' : '',
    key.bits & 0o10 ? 'H-' : '',
    key.bits & 0o20 ? 'T-' : '',
  ].join('');
  const c = key.char;
  const shown =
    c === 0o40
      ? 'SPACE'
      : c === RUBOUT
        ? 'RUBOUT'
        : c < 0o40
          ? `^${String.fromCharCode(c + 0o100)}`
          : String.fromCharCode(c);
  const code = (key.bits << 7) | c;
  return `${prefixes}${shown} (octal ${code.toString(8).padStart(4, '0')})`;
}
