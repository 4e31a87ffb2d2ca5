import type { Socket } from 'node:net';
import { LOOPBACK_HOST, listenOnLoopback } from './loopback.js';

/**
 * A scripted SUPDUP server (RFC 734) on loopback, written from the RFC alone so it checks a client
 * independently: it reads the initialization, greets, asks for a login name, draws a demo screen with
 * the %TD codes, asks where the cursor is with %TDORS, then records what is typed until the user logs out.
 * With `askPassword`, a `Password: ` prompt (nothing echoed) follows the login name. With `telnet`, the
 * connection starts as Telnet and the host offers WILL SUPDUP (RFC 736): SUPDUP begins once the client
 * answers DO SUPDUP, and a client that refuses is told so and disconnected.
 */

/** %TD codes (RFC 734 "OUTPUT -- DISPLAY PROTOCOL"), octal as in the RFC. */
const TD = {
  MOV: 0o200,
  EOF: 0o202,
  EOL: 0o203,
  DLF: 0o204,
  CRL: 0o207,
  NOP: 0o210,
  ORS: 0o214,
  QOT: 0o215,
  FS: 0o216,
  MV0: 0o217,
  CLR: 0o220,
  BEL: 0o221,
  ILP: 0o223,
  DLP: 0o224,
  ICP: 0o225,
  DCP: 0o226,
  BOW: 0o227,
  RST: 0o230,
} as const;

/** The most variables the host accepts in the initialization; a larger count is a protocol error. */
const MAX_VARIABLES = 32;
const MAX_LOCATION = 256;
const DEFAULT_TIMEOUT_MS = 5000;

/** The initialization as the server decoded it (RFC 734 "INITIALIZATION", RFC 747). */
export interface SupdupInitialization {
  /** How many variables the count word announced. */
  count: number;
  /** Every variable word, in order. */
  words: number[];
  tctyp: number;
  ttyopt: number;
  tcmxv: number;
  tcmxh: number;
  ttyrol: number;
  smarts?: number;
  ispeed?: number;
  ospeed?: number;
}

/** One thing the client sent after the initialization, decoded per RFC 734 "INPUT". */
export type SupdupInput =
  /** A character: `code` is the 12-bit character (bucky bits included); the flags break it down. */
  | {
      type: 'key';
      code: number;
      ascii: number;
      control: boolean;
      meta: boolean;
      top: boolean;
      /** The reserved bits 1000 and 2000, which Lisp Machine keyboards use for Super and Hyper. */
      super: boolean;
      hyper: boolean;
    }
  /** 034 020 vpos hpos. */
  | { type: 'cursor-position'; row: number; col: number }
  /** 034 followed by a byte that is neither 034, 020 nor a bucky byte. */
  | { type: 'unknown-escape'; byte: number }
  | { type: 'logout' }
  | { type: 'location'; text: string };

export interface SupdupSession {
  readonly socket: Socket;
  readonly initialization: Promise<SupdupInitialization>;
  /** The login name typed at `login:`, after Rubouts. */
  readonly loginName: Promise<string>;
  /** The password typed at `Password: ` (with `askPassword`; never resolves without it). */
  readonly password: Promise<string>;
  /** The cursor position the client reported in answer to %TDORS. */
  readonly cursorReport: Promise<{ row: number; col: number }>;
  /** Everything decoded after the login name, in order. */
  readonly inputs: readonly SupdupInput[];
  /** Resolves when the client logged out (300 301) and the host closed the connection; rejects if it broke off. */
  readonly finished: Promise<void>;
}

export interface SupdupHost {
  readonly host: typeof LOOPBACK_HOST;
  readonly port: number;
  readonly sessions: readonly SupdupSession[];
  nextSession(timeoutMs?: number): Promise<SupdupSession>;
  stop(): Promise<void>;
}

/** Where the demo leaves the cursor before %TDORS, so a test can check the client's report. */
export const SUPDUP_DEMO_CURSOR = { row: 14, col: 11 } as const;

/** The text rows the demo leaves on a screen of at least 40 × 18 (trailing spaces trimmed). */
export function supdupDemoScreen(loginName: string, report: { row: number; col: number }): string[] {
  return [
    `SUPDUP demo for ${loginName}`,
    '',
    '+--------+',
    '| in box |',
    '+--------+',
    '',
    '++ A',
    'inserted',
    'line B',
    '',
    'erase me:',
    'ab Xef',
    'q quoted',
    '',
    'cursor here',
    `reported ${report.row},${report.col}`,
    '>',
  ];
}

/** Decodes the client's input stream (RFC 734 "BUCKY BITS", "OUTPUT RESETS", the 300 escape). */
export class SupdupInputDecoder {
  private state: 'data' | 'escape' | 'bucky' | 'row' | 'col' | 'command' | 'location' = 'data';
  private bucky = 0;
  private row = 0;
  private location: number[] = [];

  constructor(private readonly onInput: (input: SupdupInput) => void) {}

  push(bytes: Uint8Array): void {
    for (const byte of bytes) this.byte(byte);
  }

  private byte(byte: number): void {
    switch (this.state) {
      case 'data':
        if (byte === 0o34) this.state = 'escape';
        else if (byte === 0o300) this.state = 'command';
        else this.key(byte);
        return;
      case 'escape':
        this.state = 'data';
        if (byte === 0o34) this.key(0o34);
        else if (byte === 0o20) this.state = 'row';
        else if (byte & 0o100) {
          // The bucky bits shifted right 7, with the 100 bit on (RFC 734).
          this.bucky = (byte & 0o77) << 7;
          this.state = 'bucky';
        } else this.onInput({ type: 'unknown-escape', byte });
        return;
      case 'bucky':
        this.state = 'data';
        this.key(this.bucky | (byte & 0o177));
        return;
      case 'row':
        this.row = byte;
        this.state = 'col';
        return;
      case 'col':
        this.state = 'data';
        this.onInput({ type: 'cursor-position', row: this.row, col: byte });
        return;
      case 'command':
        if (byte === 0o301) {
          this.state = 'data';
          this.onInput({ type: 'logout' });
        } else if (byte === 0o302) {
          this.location = [];
          this.state = 'location';
        } else this.state = 'data';
        return;
      case 'location':
        if (byte === 0) {
          this.state = 'data';
          this.onInput({ type: 'location', text: String.fromCharCode(...this.location) });
        } else if (this.location.length < MAX_LOCATION) this.location.push(byte);
        return;
    }
  }

  private key(code: number): void {
    this.onInput({
      type: 'key',
      code,
      ascii: code & 0o177,
      control: (code & 0o200) !== 0,
      meta: (code & 0o400) !== 0,
      super: (code & 0o1000) !== 0,
      hyper: (code & 0o2000) !== 0,
      top: (code & 0o4000) !== 0,
    });
  }
}

/** Six bytes, 6 bits each, most significant first, into one 36-bit word (RFC 734). */
function sixBitWord(bytes: Uint8Array, offset: number): number {
  let word = 0;
  for (let index = 0; index < 6; index++) word = word * 64 + (bytes[offset + index]! & 0o77);
  return word;
}

/** Starts the host on 127.0.0.1, port 0. */
export interface SupdupHostOptions {
  /** Ask for a password after the login name (`Password: `, not echoed). */
  readonly askPassword?: boolean;
  /** Start as Telnet and offer WILL SUPDUP (RFC 736); SUPDUP from the first byte otherwise (port 95). */
  readonly telnet?: boolean;
  /** A session waiting this long for the client to type is dropped (5 s unless given). */
  readonly inputTimeoutMs?: number;
}

const IAC = 255;
const WILL = 251;
const DO = 253;
const DONT = 254;
const TELOPT_SUPDUP = 21;
/** Telnet bytes read before DO SUPDUP at most: a client that sends more is not going to switch. */
const MAX_TELNET_PREAMBLE = 4096;

export async function startSupdupHost(options: SupdupHostOptions = {}): Promise<SupdupHost> {
  const sessions: SupdupSession[] = [];
  const waiting: Array<(session: SupdupSession) => void> = [];
  const server = await listenOnLoopback((socket) => {
    const session = runSession(socket, options);
    sessions.push(session);
    waiting.shift()?.(session);
  });
  let handedOut = 0;
  return {
    host: LOOPBACK_HOST,
    port: server.port,
    sessions,
    nextSession(timeoutMs = DEFAULT_TIMEOUT_MS) {
      const index = handedOut++;
      const ready = sessions[index];
      if (ready) return Promise.resolve(ready);
      return withTimeout(new Promise((resolve) => waiting.push(resolve)), timeoutMs, 'no SUPDUP connection');
    },
    stop: () => server.stop(),
  };
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} within ${timeoutMs} ms`)), timeoutMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function runSession(socket: Socket, options: SupdupHostOptions): SupdupSession {
  const inputs: SupdupInput[] = [];
  const queue: SupdupInput[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  const decoder = new SupdupInputDecoder((input) => {
    queue.push(input);
    wake?.();
  });

  let raw = Buffer.alloc(0);
  let resolveInit!: (init: SupdupInitialization) => void;
  let rejectInit!: (error: Error) => void;
  const initialization = new Promise<SupdupInitialization>((resolve, reject) => {
    resolveInit = resolve;
    rejectInit = reject;
  });
  let initDone = false;
  // RFC 736: Telnet until the client agrees to SUPDUP; from then on there is no Telnet.
  let telnet = options.telnet === true;
  if (telnet) socket.write(Uint8Array.of(IAC, WILL, TELOPT_SUPDUP));

  socket.on('data', (chunk: Buffer) => {
    if (initDone) {
      decoder.push(chunk);
      return;
    }
    raw = Buffer.concat([raw, chunk]);
    if (telnet) {
      const agreed = raw.indexOf(Uint8Array.of(IAC, DO, TELOPT_SUPDUP));
      const refused = raw.indexOf(Uint8Array.of(IAC, DONT, TELOPT_SUPDUP));
      if (refused >= 0 && (agreed < 0 || refused < agreed)) {
        rejectInit(new Error('the client refused SUPDUP (DONT SUPDUP)'));
        socket.end('This host speaks only SUPDUP (RFC 736).\r\n');
        return;
      }
      if (agreed < 0) {
        if (raw.length > MAX_TELNET_PREAMBLE) {
          rejectInit(new Error('no DO SUPDUP from the client'));
          socket.destroy();
        }
        return;
      }
      telnet = false;
      raw = raw.subarray(agreed + 3);
    }
    if (raw.length < 6) return;
    // −count,,0: the count is in the left half, as an 18-bit negative number (RFC 734).
    const left = Math.floor(sixBitWord(raw, 0) / 0o1000000);
    const count = 0o1000000 - left;
    if (left < 0o400000 || count > MAX_VARIABLES) {
      rejectInit(new Error(`bad SUPDUP count word, left half ${left.toString(8)}`));
      socket.destroy();
      return;
    }
    if (raw.length < 6 * (count + 1)) return;
    const words = Array.from({ length: count }, (_, index) => sixBitWord(raw, 6 * (index + 1)));
    initDone = true;
    const init: SupdupInitialization = {
      count,
      words,
      tctyp: words[0] ?? 0,
      ttyopt: words[1] ?? 0,
      tcmxv: words[2] ?? 0,
      tcmxh: words[3] ?? 0,
      ttyrol: words[4] ?? 0,
    };
    if (count >= 8) {
      init.smarts = words[5]!;
      init.ispeed = words[6]!;
      init.ospeed = words[7]!;
    }
    resolveInit(init);
    const rest = raw.subarray(6 * (count + 1));
    if (rest.length > 0) decoder.push(rest);
  });
  socket.on('close', () => {
    closed = true;
    rejectInit(new Error('connection closed before the initialization'));
    wake?.();
  });
  socket.on('error', () => {});

  async function next(): Promise<SupdupInput> {
    for (;;) {
      const input = queue.shift();
      if (input) return input;
      if (closed) throw new Error('connection closed');
      await withTimeout(
        new Promise<void>((resolve) => {
          wake = resolve;
        }),
        options.inputTimeoutMs ?? DEFAULT_TIMEOUT_MS,
        'no input from the SUPDUP client',
      );
      wake = undefined;
    }
  }

  const write = (...parts: Array<string | number | readonly number[]>) => {
    const bytes: number[] = [];
    for (const part of parts) {
      if (typeof part === 'string') for (const char of part) bytes.push(char.charCodeAt(0));
      else if (typeof part === 'number') bytes.push(part);
      else bytes.push(...part);
    }
    socket.write(Uint8Array.from(bytes));
  };

  let resolveLogin!: (name: string) => void;
  const loginName = new Promise<string>((resolve) => {
    resolveLogin = resolve;
  });
  let resolvePassword!: (password: string) => void;
  const password = new Promise<string>((resolve) => {
    resolvePassword = resolve;
  });
  let resolveReport!: (report: { row: number; col: number }) => void;
  const cursorReport = new Promise<{ row: number; col: number }>((resolve) => {
    resolveReport = resolve;
  });

  const script = async () => {
    await initialization;
    // The greeting is plain ASCII ended by %TDNOP (RFC 734).
    write('telgate SUPDUP test host\r\n', TD.NOP);
    // login: on the next line, with remote echo and Rubout (177) erasing back.
    write(TD.CRL, 'login: ');
    const promptRow = 2;
    let name = '';
    for (;;) {
      const input = await next();
      if (input.type !== 'key') continue;
      if (input.ascii === 0o15) break;
      if (input.code === 0o177) {
        if (name.length === 0) continue;
        name = name.slice(0, -1);
        write(TD.MV0, promptRow, 7 + name.length, TD.EOL);
      } else if (input.code >= 0o40 && input.code < 0o177) {
        name += String.fromCharCode(input.code);
        write(input.code);
      }
    }
    resolveLogin(name);
    if (options.askPassword) {
      write(TD.CRL, 'Password: ');
      let typed = '';
      for (;;) {
        const input = await next();
        if (input.type !== 'key') continue;
        if (input.ascii === 0o15) break;
        if (input.code < 0o200) typed += String.fromCharCode(input.code);
      }
      resolvePassword(typed);
    }

    write(TD.CLR, `SUPDUP demo for ${name}`);
    // A box drawn with cursor moves.
    write(TD.MV0, 2, 0, '+--------+', TD.MV0, 3, 0, '|', TD.MV0, 3, 9, '|', TD.MV0, 4, 0, '+--------+');
    write(TD.MV0, 3, 2, 'in box');
    // %TDMOV with an old position the client may ignore, then lines by %TDCRL.
    write(TD.MOV, 3, 8, 6, 0, 'line A', TD.CRL, 'line B', TD.CRL, 'line C');
    // Insert a line above "line B" (C moves to row 9), then delete "line C".
    write(TD.MV0, 7, 0, TD.ILP, 1, 'inserted', TD.MV0, 9, 0, TD.DLP, 1);
    // "line A" → "++line A" → "++ A".
    write(TD.MV0, 6, 0, TD.ICP, 2, '++', TD.DCP, 4);
    write(TD.MV0, 10, 0, 'erase me: XXXXXXXX', TD.MV0, 10, 9, TD.EOL);
    write(TD.MV0, 11, 0, 'abcdef', TD.MV0, 11, 2, TD.DLF, TD.FS, 'X');
    write(TD.MV0, 12, 0, 'to be cleared', TD.MV0, 13, 0, 'also cleared', TD.MV0, 12, 0, TD.EOF);
    write(TD.QOT, 'q', ' quoted', TD.BEL);
    write(TD.MV0, 13, 0, TD.BOW, TD.RST);
    write(TD.MV0, SUPDUP_DEMO_CURSOR.row, 0, 'cursor here');
    // Output reset: the client answers 034 020 vpos hpos (RFC 734 "OUTPUT RESETS").
    write(TD.ORS);
    for (;;) {
      const input = await next();
      if (input.type === 'cursor-position') {
        resolveReport({ row: input.row, col: input.col });
        write(TD.MV0, 15, 0, `reported ${input.row},${input.col}`, TD.CRL, '>');
        break;
      }
      inputs.push(input);
    }
    for (;;) {
      const input = await next();
      inputs.push(input);
      if (input.type === 'logout') break;
    }
    await new Promise<void>((resolve) => socket.end(resolve));
  };

  const finished = script().catch((error: unknown) => {
    socket.destroy();
    throw error;
  });
  // A test that stops before the script's end need not await these; their rejections are not unhandled.
  finished.catch(() => {});
  initialization.catch(() => {});
  return { socket, initialization, loginName, password, cursorReport, inputs, finished };
}
