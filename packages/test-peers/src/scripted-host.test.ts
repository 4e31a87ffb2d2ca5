import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { InboundBytes } from './inbound-bytes.js';
import { type ConnectionScript, type ScriptedHost, startScriptedHost } from './scripted-host.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function host(script: ConnectionScript = () => {}): Promise<ScriptedHost> {
  const started = await startScriptedHost(script);
  cleanups.push(() => started.stop());
  return started;
}

/** A plain client socket and everything it receives. */
async function client(
  port: number,
): Promise<{ socket: Socket; inbound: InboundBytes; ended: Promise<void> }> {
  const socket = connect({ host: '127.0.0.1', port });
  const inbound = new InboundBytes('test client');
  socket.on('data', (chunk: Buffer) => inbound.append(chunk));
  socket.on('error', () => {});
  const ended = new Promise<void>((resolve) => socket.once('end', resolve));
  socket.once('close', () => inbound.close('closed'));
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  cleanups.push(async () => {
    socket.destroy();
  });
  return { socket, inbound, ended };
}

describe('startScriptedHost', () => {
  it('lets a script exchange raw bytes with the client and records everything the client sent', async () => {
    const scripted = await host(async (conn) => {
      await conn.write([0xff, 0xfd, 0x01]); // IAC DO ECHO
      expect((await conn.read(3)).toString('hex')).toBe('fffc01'); // IAC WONT ECHO
      await conn.expect('login\r\n');
      await conn.write('welcome\r\n');
      await conn.end();
    });
    expect(scripted).toMatchObject({ kind: 'scripted', host: '127.0.0.1' });
    const { socket, inbound, ended } = await client(scripted.port);

    expect((await inbound.read(3)).toString('hex')).toBe('fffd01');
    socket.write(Buffer.from([0xff, 0xfc, 0x01]));
    socket.write('noise then login\r\n');
    await inbound.expect('welcome\r\n');
    await ended;
    await scripted.settled();

    const [conn] = scripted.connections;
    expect(conn?.id).toBe(1);
    expect(conn?.received).toEqual(
      Buffer.concat([Buffer.from([0xff, 0xfc, 0x01]), Buffer.from('noise then login\r\n')]),
    );
    expect(conn?.unread.length).toBe(0);
  });

  it('reads until a predicate holds, and expect() consumes only through its match', async () => {
    const scripted = await host();
    const { socket } = await client(scripted.port);
    const conn = await scripted.nextConnection();

    socket.write('abc');
    socket.write('def|rest');
    expect((await conn.readUntil((unread) => unread.includes('|'.charCodeAt(0)))).toString()).toBe(
      'abcdef|rest',
    );
    socket.write('xxENDyy');
    expect((await conn.expect('END')).toString()).toBe('xxEND');
    expect(conn.unread.toString()).toBe('yy');
    expect(conn.received.toString()).toBe('abcdef|restxxENDyy');
  });

  it('fails a read that times out, showing what did arrive', async () => {
    const scripted = await host();
    const { socket } = await client(scripted.port);
    const conn = await scripted.nextConnection();
    socket.write(Buffer.from([0xff, 0xf1]));
    await expect(conn.expect('never', 100)).rejects.toMatchObject({ code: 'PEER_ERR_READ_TIMEOUT' });
    await expect(conn.read(5, 50)).rejects.toThrow(
      /waited 50 ms for 5 byte\(s\); unread: 2 byte\(s\) \[ff f1\]/,
    );
    // A read that timed out consumed nothing.
    expect((await conn.read(2)).toString('hex')).toBe('fff1');
  });

  it('fails a read when the client closes first, and refuses overlapping reads', async () => {
    const scripted = await host();
    const { socket } = await client(scripted.port);
    const conn = await scripted.nextConnection();
    const pending = conn.read(10);
    await expect(conn.read(1)).rejects.toMatchObject({ code: 'PEER_ERR_CONCURRENT_READ' });
    socket.end('partial');
    await expect(pending).rejects.toMatchObject({ code: 'PEER_ERR_CLOSED' });
    await expect(pending).rejects.toThrow(/the client closed its side \(FIN\).*"partial"/);
  });

  it('resets the connection on destroy()', async () => {
    const scripted = await host(async (conn) => conn.destroy());
    const { socket } = await client(scripted.port);
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await scripted.connections[0]?.closed;
  });

  it('hands out connections in order and reports a failing script through settled()', async () => {
    const scripted = await host(async (conn) => {
      await conn.write(`you are #${conn.id}\r\n`);
      if (conn.id === 2) throw new Error('script of #2 failed');
    });
    const first = await client(scripted.port);
    const second = await client(scripted.port);
    expect((await scripted.nextConnection()).id).toBe(1);
    expect((await scripted.nextConnection()).id).toBe(2);
    await first.inbound.expect('you are #1\r\n');
    await second.inbound.expect('you are #2\r\n');
    await expect(scripted.settled()).rejects.toThrow('script of #2 failed');
    await expect(scripted.nextConnection(50)).rejects.toMatchObject({ code: 'PEER_ERR_READ_TIMEOUT' });
  });

  it('closes every connection on stop()', async () => {
    const scripted = await startScriptedHost(async (conn) => {
      await conn.read(1, 60_000); // Blocks until stop() ends it.
    });
    const { socket } = await client(scripted.port);
    await scripted.nextConnection();
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await scripted.stop();
    await closed;
    await expect(scripted.settled()).rejects.toMatchObject({ code: 'PEER_ERR_CLOSED' });
  });
});
