import { createServer, type Server, Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GatewayError } from '../errors.js';
import { HOST_KEEPALIVE_MS, HostLink, type HostLinkEvents, hostCloseCode } from './host-link.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function server(onConnection: (socket: Socket) => void): Promise<{ port: number; server: Server }> {
  const srv = createServer(onConnection);
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => srv.close());
  return { port: (srv.address() as { port: number }).port, server: srv };
}

function address(port: number) {
  return { address: '127.0.0.1', port, family: 4 as const };
}

function recorder(loggedOut = false) {
  const got = { data: [] as Buffer[], closed: [] as Array<[string, string]> };
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  const events: HostLinkEvents = {
    data: (chunk) => got.data.push(chunk),
    closed: (code, detail) => {
      got.closed.push([code, detail]);
      resolveClosed();
    },
    loggedOut: () => loggedOut,
  };
  return { got, events, closed };
}

describe('HostLink', () => {
  it('relays bytes both ways and reports the host closing once, as GW_ERR_HOST_CLOSED', async () => {
    const { port } = await server((socket) => {
      socket.once('data', (d) => socket.end(Buffer.concat([Buffer.from('echo:'), d])));
    });
    const { got, events, closed } = recorder();
    const link = await HostLink.open(address(port), 3000, new AbortController().signal, events);
    cleanups.push(() => link.destroy());
    expect(link.write(Buffer.from('hi'))).toBe(true);
    await closed;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(Buffer.concat(got.data).toString()).toBe('echo:hi');
    expect(got.closed).toEqual([['GW_ERR_HOST_CLOSED', 'the host closed the connection']]);
  });

  it('reports any end after an accepted logout as GW_ERR_LOGGED_OUT', async () => {
    const { port } = await server((socket) => socket.destroy());
    const { got, events, closed } = recorder(true);
    const link = await HostLink.open(address(port), 3000, new AbortController().signal, events);
    cleanups.push(() => link.destroy());
    await closed;
    expect(got.closed[0]![0]).toBe('GW_ERR_LOGGED_OUT');
  });

  it('says the host ended the session when it closes cleanly after an accepted logout', async () => {
    const { port } = await server((socket) => socket.end());
    const { got, events, closed } = recorder(true);
    const link = await HostLink.open(address(port), 3000, new AbortController().signal, events);
    cleanups.push(() => link.destroy());
    await closed;
    expect(got.closed).toEqual([['GW_ERR_LOGGED_OUT', 'the host ended the session']]);
  });

  it('turns TCP keepalive on, so a host that vanished is noticed', async () => {
    const { port } = await server(() => {});
    const spy = vi.spyOn(Socket.prototype, 'setKeepAlive');
    cleanups.push(() => spy.mockRestore());
    const { events } = recorder();
    const link = await HostLink.open(address(port), 3000, new AbortController().signal, events);
    cleanups.push(() => link.destroy());
    expect(spy).toHaveBeenCalledWith(true, HOST_KEEPALIVE_MS);
    expect(HOST_KEEPALIVE_MS).toBe(30_000);
  });

  it('reports nothing once destroyed by the session', async () => {
    const { port } = await server(() => {});
    const { got, events } = recorder();
    const link = await HostLink.open(address(port), 3000, new AbortController().signal, events);
    link.destroy();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(got.closed).toEqual([]);
  });

  it('rejects with GW_ERR_HOST_REFUSED when nothing listens', async () => {
    const { port, server: srv } = await server(() => {});
    await new Promise((resolve) => srv.close(resolve));
    const { events } = recorder();
    const error = await HostLink.open(address(port), 3000, new AbortController().signal, events).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('GW_ERR_HOST_REFUSED');
  });

  it('maps socket errors to close codes', () => {
    expect(hostCloseCode(Object.assign(new Error('x'), { code: 'ECONNRESET' }), false)).toBe(
      'GW_ERR_HOST_RESET',
    );
    expect(hostCloseCode(undefined, false)).toBe('GW_ERR_HOST_CLOSED');
    expect(hostCloseCode(Object.assign(new Error('x'), { code: 'ECONNRESET' }), true)).toBe(
      'GW_ERR_LOGGED_OUT',
    );
  });
});
