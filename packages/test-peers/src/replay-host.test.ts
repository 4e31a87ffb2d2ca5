import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { InboundBytes } from './inbound-bytes.js';
import { type ReplayHost, type ReplayHostOptions, startReplayHost } from './replay-host.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function replayHost(options: ReplayHostOptions): Promise<ReplayHost> {
  const host = await startReplayHost(options);
  cleanups.push(() => host.stop());
  return host;
}

/** Connects and collects everything until the host closes its side. */
function receiveAll(port: number) {
  const socket = connect({ host: '127.0.0.1', port });
  const inbound = new InboundBytes('replay client');
  socket.on('data', (chunk: Buffer) => inbound.append(chunk));
  socket.on('error', () => {});
  const ended = new Promise<Buffer>((resolve) => socket.once('end', () => resolve(inbound.all)));
  cleanups.push(async () => {
    socket.destroy();
  });
  return { socket, inbound, ended };
}

describe('startReplayHost', () => {
  it('sends the bytes the given number of times to every client, then ends', async () => {
    const bytes = Buffer.from([0xff, 0xfb, 0x01, 0x41, 0x0d, 0x00]);
    const host = await replayHost({ bytes, repeat: 3 });
    expect(host).toMatchObject({ kind: 'replay', host: '127.0.0.1' });
    const [a, b] = [receiveAll(host.port), receiveAll(host.port)];
    const expected = Buffer.concat([bytes, bytes, bytes]);
    expect(await a.ended).toEqual(expected);
    expect(await b.ended).toEqual(expected);
    await host.replayed(2);
    expect(host.connectionCount).toBe(2);
  });

  it('floods: a one-byte buffer repeated a million times arrives whole and in order', async () => {
    const host = await replayHost({ bytes: 'x', repeat: 1_000_000 });
    const received = await receiveAll(host.port).ended;
    expect(received.length).toBe(1_000_000);
    expect(received.every((byte) => byte === 0x78)).toBe(true);
  });

  it('keeps the connection open after the replay when asked, counting what the client sends', async () => {
    const host = await replayHost({ bytes: 'banner\r\n', afterReplay: 'keep-open' });
    const { socket, inbound } = receiveAll(host.port);
    await inbound.expect('banner\r\n');
    await host.replayed();
    socket.write('still here');
    await expect.poll(() => host.bytesReceived).toBe('still here'.length);
    expect(socket.readableEnded).toBe(false);
  });

  it('ends at once with repeat 0, and rejects a bad repeat count', async () => {
    const host = await replayHost({ bytes: 'unused', repeat: 0 });
    expect((await receiveAll(host.port).ended).length).toBe(0);
    await expect(startReplayHost({ bytes: 'x', repeat: -1 })).rejects.toMatchObject({
      code: 'PEER_ERR_INVALID_ARGUMENT',
    });
  });

  it('fails a pending replayed() wait when stopped', async () => {
    const host = await startReplayHost({ bytes: 'x' });
    const waiting = host.replayed(1);
    await host.stop();
    await expect(waiting).rejects.toMatchObject({ code: 'PEER_ERR_CLOSED' });
  });
});
