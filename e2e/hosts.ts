/** Scripted Telnet hosts for what the real servers do not do on demand. */
import { createTelnetParser, type ScriptedConnection } from '@telgate/test-peers';

const IAC = 255;
const DO = 253;
const WILL = 251;
const WONT = 252;
const LOGOUT = 18;
const ECHO = 1;
const SGA = 3;
const DONT = 254;

/** Writes to the client; a client that has gone away is not an error for these hosts. */
function say(conn: ScriptedConnection, bytes: Buffer | string): void {
  conn.write(bytes).catch(() => undefined);
}

/** A BBS-style screen in CP437: box drawing that only renders right if the charset is converted. */
function cp437Screen(conn: ScriptedConnection): void {
  const top = Buffer.from([0xc9, ...new Array(20).fill(0xcd), 0xbb]);
  const mid = Buffer.concat([
    Buffer.from([0xba]),
    Buffer.from('  CP437 BBS DEMO    ', 'latin1'),
    Buffer.from([0xba]),
  ]);
  const bottom = Buffer.from([0xc8, ...new Array(20).fill(0xcd), 0xbc]);
  say(conn, Buffer.concat([top, Buffer.from('\r\n'), mid, Buffer.from('\r\n'), bottom, Buffer.from('\r\n')]));
}

type ClientInput = { readonly byte: number } | { readonly verb: number; readonly option: number };

/**
 * What a client sends, as typed bytes and option commands, in order. Ends when the client is silent for
 * `idleMs` or goes away.
 */
async function* clientInput(conn: ScriptedConnection, idleMs: number): AsyncGenerator<ClientInput> {
  let inputs: ClientInput[] = [];
  const parse = createTelnetParser({
    onData: (bytes) => {
      for (const byte of bytes) inputs.push({ byte });
    },
    onNegotiation: (verb, option) => inputs.push({ verb, option }),
  });
  for (;;) {
    const chunk = await conn.readUntil((unread) => unread.length > 0, idleMs).catch(() => undefined);
    if (!chunk) return;
    parse(chunk);
    const ready = inputs;
    inputs = [];
    yield* ready;
  }
}

/**
 * Echoes what is typed, with a prompt, so a session stays usable; answers DO LOGOUT with WONT LOGOUT.
 */
export async function refusingLogoutHost(conn: ScriptedConnection): Promise<void> {
  say(conn, Buffer.from([IAC, WILL, ECHO, IAC, WILL, SGA]));
  say(conn, Buffer.from('stubborn host\r\nstubborn$ '));
  let previous = -1;
  for await (const input of clientInput(conn, 120_000)) {
    if ('verb' in input) {
      if (input.verb === DO && input.option === LOGOUT) say(conn, Buffer.from([IAC, WONT, LOGOUT]));
      continue;
    }
    const byte = input.byte;
    if (byte === 0x0d) say(conn, '\r\nstubborn$ ');
    // A bare LF (the client's Enter set to LF) gets a prompt that says so.
    else if (byte === 0x0a && previous !== 0x0d) say(conn, '\r\nstubborn(lf)$ ');
    else if (byte !== 0x0a) say(conn, Buffer.from([byte]));
    previous = byte;
  }
}

/**
 * Warns of an auto-logout (WILL LOGOUT, RFC 727) a moment after the session starts, then says what the
 * client answered: DONT LOGOUT keeps the session, DO LOGOUT or no answer within 20 s ends it.
 */
export async function autoLogoutHost(conn: ScriptedConnection): Promise<void> {
  say(conn, Buffer.from([IAC, WILL, ECHO, IAC, WILL, SGA]));
  say(conn, 'idle host\r\nidle$ ');
  await new Promise((r) => setTimeout(r, 1000));
  say(conn, Buffer.from([IAC, WILL, LOGOUT]));
  for await (const input of clientInput(conn, 20_000)) {
    if (!('verb' in input) || input.option !== LOGOUT) continue;
    if (input.verb === DO) break;
    if (input.verb === DONT) {
      say(conn, '\r\nstaying logged in\r\nidle$ ');
      for await (const _ of clientInput(conn, 120_000)) {
        // Stays until the client leaves.
      }
      return;
    }
  }
  say(conn, '\r\nlogged out for inactivity\r\n');
  conn.destroy();
}

/** Shows the BBS screen and stays until the client leaves. */
export async function bbsHost(conn: ScriptedConnection): Promise<void> {
  cp437Screen(conn);
  await conn.read(1, 120_000).catch(() => undefined);
}

/**
 * A PC BBS in CP437 that uses the control glyphs: ☺☻♥♦♣♠ first, then a line with 0x01 and 0xE9 after
 * each Enter, numbered, so a charset switched in between shows in how the next line is drawn.
 */
export async function glyphBbsHost(conn: ScriptedConnection): Promise<void> {
  say(conn, Buffer.concat([Buffer.from('GLYPHS '), Buffer.from([1, 2, 3, 4, 5, 6]), Buffer.from('\r\n')]));
  let round = 0;
  for await (const input of clientInput(conn, 120_000)) {
    if ('byte' in input && input.byte === 0x0d) {
      round++;
      say(
        conn,
        Buffer.concat([Buffer.from(`ROUND${round} `), Buffer.from([0x01, 0xe9]), Buffer.from('\r\n')]),
      );
    }
  }
}

const AYT = 246;

/**
 * A MUD: a prompt, no echo, and a line back for each line received (`heard "look"`, with any byte
 * outside printable ASCII shown as `<xx>`, so a cursor key sent to it would show). Something happens
 * on its own when the client sends Are You There: output that arrives while the user is typing.
 */
export async function mudHost(conn: ScriptedConnection): Promise<void> {
  say(conn, 'Welcome to the MUD\r\n> ');
  let line = '';
  for (;;) {
    const chunk = await conn.readUntil((unread) => unread.length > 0, 120_000).catch(() => undefined);
    if (!chunk) return;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === IAC) {
        const command = chunk[i + 1];
        if (command === AYT) say(conn, '\r\nA goblin arrives.\r\n> ');
        i += command !== undefined && command >= WILL && command <= DONT ? 2 : 1;
      } else if (byte === 0x0d) {
        say(conn, `heard "${line}"\r\n> `);
        line = '';
      } else if (byte !== 0x0a && byte !== 0x00) {
        line += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `<${byte.toString(16)}>`;
      }
    }
  }
}

/** Says hello, then drops the connection after a moment: the kiosk must reconnect by itself. */
export async function flakyHost(conn: ScriptedConnection): Promise<void> {
  say(conn, 'flaky host up\r\n');
  await new Promise((r) => setTimeout(r, 1500));
  conn.destroy();
}

/** The names of the two-byte Telnet commands (RFC 854, EOR from RFC 885). */
const COMMAND_NAMES: Readonly<Record<number, string>> = {
  239: 'EOR',
  241: 'NOP',
  242: 'DM',
  243: 'BRK',
  244: 'IP',
  245: 'AO',
  246: 'AYT',
  247: 'EC',
  248: 'EL',
  249: 'GA',
};
const SB = 250;
const SE = 240;

/**
 * Shows what it receives: each Telnet command as `<NAME>` (DO LOGOUT as `<DO LOGOUT>`, refused), each
 * line as `ran: LINE`. The line `edit` opens a full-screen editor on the alternate screen that shows what
 * is typed, as vi would: Ctrl-Q leaves it, Ctrl-D in it drops the connection with the editor open.
 */
export async function recorderHost(conn: ScriptedConnection): Promise<void> {
  say(conn, Buffer.from([IAC, WILL, ECHO, IAC, WILL, SGA]));
  say(conn, 'recorder host\r\nrec$ ');
  let state: 'data' | 'cr' | 'iac' | 'option' | 'sb' | 'sb-iac' = 'data';
  let verb = 0;
  let line = '';
  let editing = false;
  for (;;) {
    const chunk = await conn.readUntil((unread) => unread.length > 0, 120_000).catch(() => undefined);
    if (!chunk) return;
    for (const byte of chunk) {
      if (state === 'cr') {
        state = 'data';
        if (byte === 0x00 || byte === 0x0a) continue;
      }
      if (state === 'iac') {
        state = 'data';
        if (byte >= WILL && byte <= DONT) {
          verb = byte;
          state = 'option';
        } else if (byte === SB) state = 'sb';
        else if (byte !== IAC) {
          say(conn, `<${COMMAND_NAMES[byte] ?? byte}>`);
          continue;
        }
        if (byte !== IAC) continue;
      } else if (state === 'option') {
        state = 'data';
        if (verb === DO && byte === LOGOUT) {
          say(conn, '<DO LOGOUT>');
          say(conn, Buffer.from([IAC, WONT, LOGOUT]));
        }
        continue;
      } else if (state === 'sb' || state === 'sb-iac') {
        state = state === 'sb' ? (byte === IAC ? 'sb-iac' : 'sb') : byte === SE ? 'data' : 'sb';
        continue;
      } else if (byte === IAC) {
        state = 'iac';
        continue;
      }
      if (byte === 0x0d) state = 'cr';
      if (editing) {
        if (byte === 0x11) {
          editing = false;
          say(conn, '\x1b[?1049lleft the editor\r\nrec$ ');
        } else if (byte === 0x04) {
          conn.destroy();
          return;
        } else if (byte === 0x0d) say(conn, '\r\n');
        else if (byte >= 0x20) say(conn, Buffer.from([byte]));
        continue;
      }
      if (byte === 0x0d) {
        if (line === 'edit') {
          editing = true;
          say(conn, '\x1b[?1049h\x1b[H\x1b[2JEDITOR (Ctrl-Q leaves)\r\n');
        } else say(conn, `\r\nran: ${line}\r\nrec$ `);
        line = '';
      } else if (byte === 0x7f || byte === 0x08) {
        if (line.length > 0) say(conn, '\b \b');
        line = line.slice(0, -1);
      } else if (byte >= 0x20 && byte < 0x7f) {
        line += String.fromCharCode(byte);
        say(conn, Buffer.from([byte]));
      }
    }
  }
}

/** The least time between two lines that the paced host takes; a line that comes sooner is lost. */
export const PACED_MIN_GAP_MS = 100;

/**
 * Slow gear: echoes what is typed and takes a line only if at least `PACED_MIN_GAP_MS` passed since the
 * end of the line before it — a line that starts sooner is lost whole, as a switch's small input buffer
 * loses characters. The line `report` shows what it took, in order, what it lost, how many ESC bytes
 * came (none should: Esc on the page is not for the host while a paste is asked about or sent), and how
 * many bracketed pastes. The line `bracketed` turns bracketed paste on (`ESC[?2004h`), as shells do: the
 * lines of a bracketed paste are all taken, however fast they come.
 */
export async function pacedHost(conn: ScriptedConnection): Promise<void> {
  say(conn, Buffer.from([IAC, WILL, ECHO, IAC, WILL, SGA]));
  say(conn, 'paced host\r\npaced$ ');
  const taken: string[] = [];
  let lost = 0;
  let escapes = 0;
  let bracketed = 0;
  let inPaste = false;
  /** An escape sequence being read (after ESC), undefined outside one. */
  let sequence: string | undefined;
  let line = '';
  let lineStart: number | undefined;
  let previousEnd = 0;
  let previous = -1;
  for await (const input of clientInput(conn, 120_000)) {
    if ('verb' in input) continue;
    const byte = input.byte;
    const after = previous;
    previous = byte;
    if ((byte === 0x0a || byte === 0x00) && after === 0x0d) continue;
    if (sequence !== undefined) {
      sequence += String.fromCharCode(byte);
      if (sequence.length === 1 && byte !== 0x5b) sequence = undefined;
      else if (sequence.length > 1 && byte >= 0x40 && byte <= 0x7e) {
        if (sequence === '[200~') {
          inPaste = true;
          bracketed++;
        } else if (sequence === '[201~') inPaste = false;
        else escapes++;
        sequence = undefined;
      }
      continue;
    }
    if (byte === 0x1b) {
      sequence = '';
      continue;
    }
    if (byte !== 0x0d && byte !== 0x0a) {
      lineStart ??= Date.now();
      if (byte >= 0x20 && byte < 0x7f) {
        line += String.fromCharCode(byte);
        say(conn, Buffer.from([byte]));
      }
      continue;
    }
    const tooSoon = !inPaste && lineStart !== undefined && lineStart - previousEnd < PACED_MIN_GAP_MS;
    previousEnd = Date.now();
    lineStart = undefined;
    if (line === 'report') {
      const counts = `taken ${taken.length}, lost ${lost}, esc ${escapes}, bracketed ${bracketed}`;
      say(conn, `\r\n${counts}: ${taken.join(' ')}\r\npaced$ `);
    } else if (line === 'bracketed') {
      say(conn, '\x1b[?2004h\r\npaced$ ');
    } else if (tooSoon) {
      lost++;
      say(conn, '\r\n(lost)\r\npaced$ ');
    } else {
      if (line !== '') taken.push(line);
      say(conn, '\r\npaced$ ');
    }
    line = '';
  }
}

/**
 * Floods numbered, coloured lines as fast as the connection takes them until it reads ^C, then says how
 * far it got: `^C`, then the prompt `flood stopped after line N$ `.
 */
export async function floodHost(conn: ScriptedConnection): Promise<void> {
  let line = 0;
  let flooding = true;
  const { socket } = conn;
  const stopped = new Promise<void>((resolve) => {
    socket.on('data', (data: Buffer) => {
      if (!flooding || !data.includes(0x03)) return;
      flooding = false;
      resolve();
    });
  });
  const pump = () => {
    while (flooding && !socket.destroyed) {
      let text = '';
      for (let k = 0; k < 200; k++, line++) {
        text += `\x1b[3${(line % 7) + 1}mline ${line}\x1b[0m value=${(line * 7919) % 100000} ok\r\n`;
      }
      if (!socket.write(text)) {
        socket.once('drain', pump);
        return;
      }
    }
  };
  pump();
  await Promise.race([stopped, conn.closed]);
  if (socket.destroyed) return;
  say(conn, `^C\r\nflood stopped after line ${line - 1}$ `);
  await conn.closed;
}

/** Lines the status-line host scrolls through its region. */
export const REGION_LINES = 300;

/**
 * A program with a status line: row 1 holds the status, rows 2–10 are a scroll region the host logs
 * `REGION_LINES` numbered, coloured lines into, row 12 a footer outside the region; then the status says
 * `status: done` and the cursor waits at the region's bottom.
 */
export async function statusLineHost(conn: ScriptedConnection): Promise<void> {
  let text = '\x1b[2J\x1b[1;1Hstatus: logging\x1b[12;1Hfooter below the region\x1b[2;10r\x1b[10;1H';
  for (let k = 0; k < REGION_LINES; k++) {
    text += `\r\n\x1b[3${(k % 7) + 1}mregion line ${k}\x1b[0m`;
  }
  text += '\x1b7\x1b[1;1Hstatus: done\x1b[K\x1b8';
  say(conn, text);
  await conn.closed;
}
