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

/** Says hello, then drops the connection after a moment: the kiosk must reconnect by itself. */
export async function flakyHost(conn: ScriptedConnection): Promise<void> {
  say(conn, 'flaky host up\r\n');
  await new Promise((r) => setTimeout(r, 1500));
  conn.destroy();
}
