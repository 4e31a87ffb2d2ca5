import { afterEach, describe, expect, it } from 'vitest';
import { connectRefusingClient, type RefusingTelnetClient } from './refusing-client.js';
import { type ConnectionScript, type ScriptedHost, startScriptedHost } from './scripted-host.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function connectTo(
  script: ConnectionScript,
): Promise<{ host: ScriptedHost; client: RefusingTelnetClient }> {
  const host = await startScriptedHost(script);
  cleanups.push(() => host.stop());
  const client = await connectRefusingClient(host.port);
  cleanups.push(() => client.close());
  return { host, client };
}

describe('connectRefusingClient', () => {
  it('answers DO with WONT and WILL with DONT, and leaves WONT, DONT and subnegotiations unanswered', async () => {
    const { host, client } = await connectTo(async (conn) => {
      await conn.write([0xff, 0xfd, 0x01, 0xff, 0xfb, 0x03, 0xff, 0xfc, 0x05, 0xff, 0xfe, 0x06]);
      await conn.write([0xff, 0xfa, 0x18, 0x01, 0xff, 0xf0, 0xff, 0xfd, 0x1f]);
      expect((await conn.read(9)).toString('hex')).toBe('fffc01fffe03fffc1f');
    });
    await host.settled();
    expect(client.negotiations).toEqual([
      { verb: 'DO', option: 1 },
      { verb: 'WILL', option: 3 },
      { verb: 'WONT', option: 5 },
      { verb: 'DONT', option: 6 },
      { verb: 'DO', option: 31 },
    ]);
    expect(host.connections[0]?.received.length).toBe(9);
  });

  it('separates data from commands split anywhere across packets', async () => {
    // Data, an escaped 0xff, CR NUL, a subnegotiation holding IAC IAC and a GA, sent one byte per write.
    const wire = Buffer.from('41ffff420d0043fffa18ffff00fff044fff90d0a', 'hex');
    const { client } = await connectTo(async (conn) => {
      for (const byte of wire) await conn.write([byte]);
      await conn.end();
    });
    await client.data.expect('\r\n');
    expect(client.data.all.toString('hex')).toBe('41ff420d43440d0a');
    expect(client.raw.all).toEqual(wire);
  });

  it('sends lines as NVT text with CR LF and IAC doubled', async () => {
    const { host, client } = await connectTo(() => {});
    client.sendLine('echo \u00ff!');
    const conn = await host.nextConnection();
    expect(await conn.expect('\r\n')).toEqual(
      Buffer.from([...Buffer.from('echo '), 0xff, 0xff, 0x21, 0x0d, 0x0a]),
    );
  });

  it('fails clearly when nothing listens', async () => {
    const { host } = await connectTo(() => {});
    const { port } = host;
    await host.stop();
    await expect(connectRefusingClient(port)).rejects.toMatchObject({ code: 'PEER_ERR_CLOSED' });
  });
});
