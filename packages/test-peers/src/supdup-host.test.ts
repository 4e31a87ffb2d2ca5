import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type SupdupHost, type SupdupInput, SupdupInputDecoder, startSupdupHost } from './supdup-host.js';

let host: SupdupHost | undefined;
afterEach(async () => {
  await host?.stop();
});

/** Sends `bytes` and collects what the host answers until it has `until` or closes. */
async function exchange(
  port: number,
  bytes: number[],
  until: (received: Buffer) => boolean,
): Promise<Buffer> {
  const socket = connect(port, '127.0.0.1');
  let received = Buffer.alloc(0);
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer from the SUPDUP host')), 5000);
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        if (until(received)) {
          clearTimeout(timer);
          resolve(received);
        }
      });
      socket.on('close', () => {
        clearTimeout(timer);
        resolve(received);
      });
      socket.on('error', () => {});
      socket.write(Uint8Array.from(bytes));
    });
  } finally {
    socket.destroy();
  }
}

describe('scripted SUPDUP host', () => {
  it('parses an RFC 734 initialization (five variables) written out by hand and greets', async () => {
    host = await startSupdupHost();
    const init = [
      [0o77, 0o77, 0o73, 0, 0, 0], // −5,,0
      [0, 0, 0, 0, 0, 0o7], // TCTYP %TNSFW
      [0, 0, 0, 0, 0, 0o40], // TTYOPT 0,,%TPCBS
      [0, 0, 0, 0, 0, 0o30], // TCMXV 24.
      [0, 0, 0, 0, 0o1, 0o17], // TCMXH 79.
      [0, 0, 0, 0, 0, 0o1], // TTYROL 1
    ].flat();
    const answer = await exchange(host.port, init, (received) => received.includes('login: '));
    expect(answer.subarray(0, 27)).toEqual(
      Buffer.from([...Buffer.from('telgate SUPDUP test host\r\n'), 0o210]),
    );
    const session = await host.nextSession();
    expect(await session.initialization).toEqual({
      count: 5,
      words: [7, 0o40, 24, 79, 1],
      tctyp: 7,
      ttyopt: 0o40,
      tcmxv: 24,
      tcmxh: 79,
      ttyrol: 1,
    });
  });

  it('asks for a password after the login name when told to, and does not echo it', async () => {
    host = await startSupdupHost({ askPassword: true });
    const init = [
      [0o77, 0o77, 0o73, 0, 0, 0],
      [0, 0, 0, 0, 0, 0o7],
      [0, 0, 0, 0, 0, 0o40],
      [0, 0, 0, 0, 0, 0o30],
      [0, 0, 0, 0, 0o1, 0o17],
      [0, 0, 0, 0, 0, 0o1],
    ].flat();
    const typed = [...Buffer.from('ann\rsecret\r')];
    const answer = await exchange(host.port, [...init, ...typed], (received) =>
      received.includes('SUPDUP demo for ann'),
    );
    const session = await host.nextSession();
    expect(await session.loginName).toBe('ann');
    expect(await session.password).toBe('secret');
    const text = answer.toString('latin1');
    expect(text).toContain('login: ann');
    expect(text).toContain(`${String.fromCharCode(0o207)}Password: `);
    expect(text).not.toContain('secret');
  });

  it('with telnet, offers WILL SUPDUP and speaks SUPDUP once the client answers DO SUPDUP (RFC 736)', async () => {
    host = await startSupdupHost({ telnet: true });
    const init = [
      [0o77, 0o77, 0o73, 0, 0, 0],
      [0, 0, 0, 0, 0, 0o7],
      [0, 0, 0, 0, 0, 0o40],
      [0, 0, 0, 0, 0, 0o30],
      [0, 0, 0, 0, 0o1, 0o17],
      [0, 0, 0, 0, 0, 0o1],
    ].flat();
    const answer = await exchange(host.port, [255, 253, 21, ...init], (received) =>
      received.includes('login: '),
    );
    expect([...answer.subarray(0, 3)]).toEqual([255, 251, 21]);
    expect(answer.subarray(3, 30)).toEqual(
      Buffer.from([...Buffer.from('telgate SUPDUP test host\r\n'), 0o210]),
    );
    const session = await host.nextSession();
    expect((await session.initialization).tcmxv).toBe(24);
  });

  it('with telnet, tells a client that refuses SUPDUP and hangs up', async () => {
    host = await startSupdupHost({ telnet: true });
    const answer = await exchange(host.port, [255, 254, 21], () => false);
    expect(answer.subarray(3).toString('latin1')).toBe('This host speaks only SUPDUP (RFC 736).\r\n');
    const session = await host.nextSession();
    await expect(session.initialization).rejects.toThrow(/refused SUPDUP/);
  });

  it('drops a connection whose count word is not a negative count', async () => {
    host = await startSupdupHost();
    const answer = await exchange(host.port, [0, 0, 0o5, 0, 0, 0], () => false);
    expect(answer.length).toBe(0);
    const session = await host.nextSession();
    await expect(session.initialization).rejects.toThrow(/count word/);
  });

  it('decodes 034 034, bucky bits, cursor reports, unknown escapes, logout and location', () => {
    const inputs: SupdupInput[] = [];
    const decoder = new SupdupInputDecoder((input) => inputs.push(input));
    decoder.push(Uint8Array.of(0o34, 0o34, 0o34, 0o103, 0o12, 0o34, 0o20, 3, 4, 0o34, 0o1));
    decoder.push(Uint8Array.of(0o300, 0o302, 0o101, 0o102, 0, 0o300, 0o301));
    expect(inputs).toEqual([
      {
        type: 'key',
        code: 0o34,
        ascii: 0o34,
        control: false,
        meta: false,
        top: false,
        super: false,
        hyper: false,
      },
      {
        type: 'key',
        code: 0o612,
        ascii: 0o12,
        control: true,
        meta: true,
        top: false,
        super: false,
        hyper: false,
      },
      { type: 'cursor-position', row: 3, col: 4 },
      { type: 'unknown-escape', byte: 0o1 },
      { type: 'location', text: 'AB' },
      { type: 'logout' },
    ]);
  });
});
