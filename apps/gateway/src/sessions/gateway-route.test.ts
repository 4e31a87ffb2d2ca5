import { decodeServerFrame, type ServerFrame } from '@telgate/protocol';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { mintToken } from '../auth/token.js';
import { parseConfig } from '../config/load.js';
import type { LookupAll } from '../targets/policy.js';
import {
  buildTestApp,
  connect,
  connectOverLoopback,
  eventually,
  LogCapture,
  terminateAll,
} from '../testing/gateway.js';
import type { SessionContext, SessionHandler } from './session.js';

const SECRET = 'gateway-route-test-secret-0123456789abcdef';

const BASE = `
listen: { host: 127.0.0.1 }
targets:
  - { id: bbs, host: 127.0.0.1, port: 2323 }
  - { id: other, host: 127.0.0.1, port: 2324 }
freeForm:
  enabled: true
  allow:
    - { cidr: 0.0.0.0/0, ports: 23 }
    - { cidr: "::/0", ports: 23 }
`;

const TOKEN_AUTH = `${BASE}security: { auth: { mode: token, hs256Secret: "${SECRET}" } }\n`;

const lookup: LookupAll = async (name) => {
  if (name === 'public.example') return [{ address: '93.184.216.34', family: 4 }];
  if (name === 'sneaky.example') return [{ address: '169.254.169.254', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
};

/** A session handler that keeps sessions open and remembers them. */
function recordingHandler() {
  const sessions: { socket: WebSocket; ctx: SessionContext; messages: string[] }[] = [];
  const handler: SessionHandler = (socket, ctx) => {
    const entry = { socket, ctx, messages: [] as string[] };
    sessions.push(entry);
    socket.on('message', (data: Buffer) => entry.messages.push(data.toString('utf8')));
  };
  return { sessions, handler };
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  terminateAll();
  await app?.close();
  app = undefined;
});

async function refusedWith(path: string, options: Parameters<typeof connect>[2] = {}) {
  if (!app) throw new Error('no app');
  const { closed } = await connect(app, path, options);
  return closed;
}

describe('/ws origin check', () => {
  it('refuses a page from a foreign origin with HTTP 403, before any WebSocket exists', async () => {
    app = await buildTestApp(BASE);
    await expect(
      connect(app, '/ws?target=bbs', { headers: { origin: 'https://evil.example' } }),
    ).rejects.toThrow('Unexpected server response: 403');
    const metrics = await app.inject('/metrics');
    expect(metrics.body).toContain('telgate_connection_refusals_total{reason="origin"} 1');
  });

  it('refuses a page whose host name was rebound to the gateway, before any WebSocket exists', async () => {
    app = await buildTestApp(BASE);
    await expect(
      connect(app, '/ws?target=bbs', {
        headers: { host: 'attacker.example:8080', origin: 'http://attacker.example:8080' },
      }),
    ).rejects.toThrow('Unexpected server response: 421');
  });

  it('accepts a configured public host name', async () => {
    app = await buildTestApp(`${BASE}security: { publicHosts: [term.example.com] }\n`);
    const { closed } = await connect(app, '/ws?target=bbs', {
      headers: { host: 'term.example.com', origin: 'https://term.example.com' },
    });
    expect(await closed).toEqual({ code: 4014, reason: 'GW_ERR_INTERNAL' });
  });

  it('accepts its own origin, listed origins, and clients that send no origin', async () => {
    app = await buildTestApp(`${BASE}security: { allowedOrigins: ["https://portal.example"] }\n`);
    for (const origin of ['http://localhost:8080', 'https://portal.example', undefined]) {
      const { closed } = await connect(app, '/ws?target=bbs', { headers: origin ? { origin } : {} });
      // The default handler ends the session, which shows the connection got through every check.
      expect(await closed).toEqual({ code: 4014, reason: 'GW_ERR_INTERNAL' });
    }
  });

  it('answers plain HTTP on /ws with 426', async () => {
    app = await buildTestApp(BASE);
    const response = await app.inject('/ws');
    expect(response.statusCode).toBe(426);
    expect(response.headers.upgrade).toBe('websocket');
  });

  it('answers 426, not a validation error, whatever the query holds', async () => {
    app = await buildTestApp(BASE);
    const response = await app.inject('/ws?target=a&target=b&charset=x&charset=y&other=1');
    expect(response.statusCode).toBe(426);
  });
});

describe('/ws session handover', () => {
  it('hands a checked connection to onSession with its context', async () => {
    const { sessions, handler } = recordingHandler();
    app = await buildTestApp(BASE, { onSession: handler, lookup });
    await connect(app, '/ws?target=bbs', { ip: '192.0.2.77' });
    await eventually(() => sessions.length === 1);
    const { ctx } = sessions[0]!;
    expect(ctx).toMatchObject({
      target: { id: 'bbs', host: '127.0.0.1', port: 2323, charset: 'UTF-8' },
      freeForm: false,
      address: { address: '127.0.0.1', family: 4, port: 2323 },
      user: undefined,
      clientIp: '192.0.2.77',
      limits: { maxSessions: 100 },
    });
    expect(ctx.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(app.telgate.sessions.openSessions).toBe(1);
  });

  it('delivers messages the client sent before the handler was ready', async () => {
    const { sessions, handler } = recordingHandler();
    app = await buildTestApp(BASE, { onSession: handler });
    await connect(app, '/ws?target=bbs', { onOpen: (ws) => ws.send('sent at once') });
    await eventually(() => sessions[0]?.messages.length === 1);
    expect(sessions[0]?.messages).toEqual(['sent at once']);
  });

  it('holds messages back over real TCP while the gateway is still checking', async () => {
    const { sessions, handler } = recordingHandler();
    let answerLookup: () => void = () => {};
    const slowLookup: LookupAll = (name) =>
      new Promise((resolve) => {
        answerLookup = () => resolve(lookup(name));
      });
    app = await buildTestApp(BASE, { onSession: handler, lookup: slowLookup });
    const { ws } = await connectOverLoopback(app, '/ws?host=public.example');
    const sent = (text: string) =>
      new Promise<void>((resolve, reject) => ws.send(text, (e) => (e ? reject(e) : resolve())));
    await sent('first');
    await sent('second');
    await eventually(() => app?.telgate.sessions.openSessions === 1);
    // The bytes are in the gateway's socket buffer now; let its event loop go round to read them.
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    answerLookup();
    await eventually(() => sessions[0]?.messages.length === 2);
    expect(sessions[0]?.messages).toEqual(['first', 'second']);
  });

  it('hands over free-form targets with the checked address', async () => {
    const { sessions, handler } = recordingHandler();
    app = await buildTestApp(BASE, { onSession: handler, lookup });
    await connect(app, '/ws?host=public.example');
    await eventually(() => sessions.length === 1);
    expect(sessions[0]?.ctx).toMatchObject({
      target: { id: 'public.example:23', negotiation: 'active' },
      freeForm: true,
      address: { address: '93.184.216.34', port: 23 },
    });
  });

  it('unregisters the session and aborts its signal when its socket closes', async () => {
    const { sessions, handler } = recordingHandler();
    app = await buildTestApp(BASE, { onSession: handler });
    // Over real TCP: the server learns at once that the connection ended.
    const { ws, closed } = await connectOverLoopback(app, '/ws?target=bbs');
    await eventually(() => app?.telgate.sessions.openSessions === 1);
    expect((await app.inject('/metrics')).body).toContain('telgate_sessions_open 1');
    expect(sessions[0]?.ctx.signal.aborted).toBe(false);
    ws.close(1000);
    await closed;
    await eventually(() => app?.telgate.sessions.openSessions === 0);
    expect((await app.inject('/metrics')).body).toContain('telgate_sessions_open 0');
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.ctx.signal.aborted).toBe(true);
  });

  it('closes with GW_ERR_INTERNAL when the handler fails', async () => {
    app = await buildTestApp(BASE, {
      onSession: async () => {
        throw new Error('boom');
      },
    });
    expect(await refusedWith('/ws?target=bbs')).toEqual({ code: 4014, reason: 'GW_ERR_INTERNAL' });
    await eventually(() => app?.telgate.sessions.openSessions === 0);
  });

  it('tells the handler, and ends sessions with STATE closed and GW_ERR_SHUTDOWN, when the gateway shuts down', async () => {
    const { sessions, handler } = recordingHandler();
    app = await buildTestApp(BASE, { onSession: handler });
    const { ws, closed } = await connect(app, '/ws?target=bbs');
    const frames: ServerFrame[] = [];
    ws.on('message', (data: Buffer) => {
      const decoded = decodeServerFrame(new Uint8Array(data));
      if (decoded.ok && decoded.frame.type === 'state') frames.push(decoded.frame);
    });
    await eventually(() => app?.telgate.sessions.openSessions === 1);
    expect(sessions[0]?.ctx.shutdown.aborted).toBe(false);
    const metrics = app.telgate.metrics;
    const closing = app.close();
    // This handler ignores the signal, so the gateway ends the session itself.
    expect(await closed).toEqual({ code: 4016, reason: 'GW_ERR_SHUTDOWN' });
    expect(sessions[0]?.ctx.shutdown.aborted).toBe(true);
    expect(frames).toEqual([
      expect.objectContaining({ type: 'state', state: 'closed', code: 'GW_ERR_SHUTDOWN' }),
    ]);
    await closing;
    app = undefined;
    expect(await metrics.registry.metrics()).toContain('telgate_session_closes_total{reason="shutdown"} 1');
  });
});

describe('/ws target checks', () => {
  it.each([
    ['/ws?target=nope', 4012, 'GW_ERR_UNKNOWN_TARGET'],
    ['/ws', 4012, 'GW_ERR_UNKNOWN_TARGET'],
    ['/ws?target=bbs&target=other', 4012, 'GW_ERR_UNKNOWN_TARGET'],
    ['/ws?host=public.example&host=other.example', 4012, 'GW_ERR_UNKNOWN_TARGET'],
    ['/ws?target=bbs&port=23&port=24', 4012, 'GW_ERR_UNKNOWN_TARGET'],
    ['/ws?target=bbs&charset=CP437&charset=UTF-8', 4023, 'GW_ERR_BAD_CHARSET'],
    ['/ws?target=bbs&token=a&token=b', 4002, 'GW_ERR_AUTH_FAILED'],
    ['/ws?host=127.0.0.1', 4001, 'GW_ERR_TARGET_DENIED'],
    ['/ws?host=169.254.169.254', 4001, 'GW_ERR_TARGET_DENIED'],
    ['/ws?host=%5B%3A%3Affff%3A127.0.0.1%5D', 4001, 'GW_ERR_TARGET_DENIED'],
    ['/ws?host=sneaky.example', 4001, 'GW_ERR_TARGET_DENIED'],
    ['/ws?host=public.example&port=22', 4001, 'GW_ERR_TARGET_DENIED'],
    ['/ws?host=missing.example', 4005, 'GW_ERR_DNS_FAILURE'],
  ])('%s closes with %i %s', async (path, code, reason) => {
    app = await buildTestApp(BASE, { lookup });
    expect(await refusedWith(path)).toEqual({ code, reason });
    expect(app.telgate.sessions.openSessions).toBe(0);
    expect((await app.inject('/metrics')).body).toContain(
      `telgate_connection_refusals_total{reason="${reason}"} 1`,
    );
  });

  it('refuses free-form targets when free-form is off', async () => {
    app = await buildTestApp('listen: { host: 127.0.0.1 }\n');
    expect(await refusedWith('/ws?host=public.example')).toEqual({
      code: 4001,
      reason: 'GW_ERR_TARGET_DENIED',
    });
  });

  it('counts DNS failures as connect errors', async () => {
    app = await buildTestApp(BASE, { lookup });
    await refusedWith('/ws?host=missing.example');
    expect((await app.inject('/metrics')).body).toContain(
      'telgate_connect_errors_total{code="GW_ERR_DNS_FAILURE"} 1',
    );
  });
});

describe('/ws token auth', () => {
  it('accepts a valid token for the target and passes its user on', async () => {
    const { sessions, handler } = recordingHandler();
    app = await buildTestApp(TOKEN_AUTH, { onSession: handler });
    const token = await mintToken({ hs256Secret: SECRET, target: 'bbs', user: 'alice' });
    await connect(app, `/ws?target=bbs&token=${token}`);
    await eventually(() => sessions.length === 1);
    expect(sessions[0]?.ctx.user).toBe('alice');
  });

  it('accepts a free-form token naming host:port', async () => {
    const { sessions, handler } = recordingHandler();
    app = await buildTestApp(TOKEN_AUTH, { onSession: handler, lookup });
    const token = await mintToken({ hs256Secret: SECRET, target: 'public.example:23', user: 'bob' });
    await connect(app, `/ws?host=public.example&token=${token}`);
    await eventually(() => sessions.length === 1);
    expect(sessions[0]?.ctx.user).toBe('bob');
  });

  it.each([
    ['no token', async () => ''],
    ['a malformed token', async () => 'token=abc.def.ghi'],
    [
      'a token signed with another secret',
      async () => `token=${await mintToken({ hs256Secret: `${SECRET}!`, target: 'bbs', user: 'a' })}`,
    ],
    [
      'a token for another target',
      async () => `token=${await mintToken({ hs256Secret: SECRET, target: 'other', user: 'a' })}`,
    ],
  ])('refuses %s with GW_ERR_AUTH_FAILED', async (_name, query) => {
    app = await buildTestApp(TOKEN_AUTH);
    expect(await refusedWith(`/ws?target=bbs&${await query()}`)).toEqual({
      code: 4002,
      reason: 'GW_ERR_AUTH_FAILED',
    });
    expect(app.telgate.sessions.openSessions).toBe(0);
  });

  it('closes with GW_ERR_TOKEN_EXPIRED on an expired token', async () => {
    app = await buildTestApp(TOKEN_AUTH);
    const token = await mintToken({
      hs256Secret: SECRET,
      target: 'bbs',
      user: 'a',
      ttlSeconds: 60,
      now: new Date(Date.now() - 7200_000),
    });
    expect(await refusedWith(`/ws?target=bbs&token=${token}`)).toEqual({
      code: 4020,
      reason: 'GW_ERR_TOKEN_EXPIRED',
    });
  });

  it('never writes the token to the logs', async () => {
    const logs = new LogCapture();
    app = await buildTestApp(TOKEN_AUTH, { logs });
    const token = await mintToken({ hs256Secret: SECRET, target: 'other', user: 'alice' });
    await refusedWith(`/ws?target=bbs&token=${token}`);
    await eventually(() => logs.text.includes('connection refused'));
    expect(logs.text).not.toContain(token);
    expect(logs.text).not.toContain(token.split('.')[2]);
    const refusal = logs.records.find((r) => r.msg === 'connection refused');
    expect(refusal).toMatchObject({
      code: 'GW_ERR_AUTH_FAILED',
      detail: 'token is for target "other", not "bbs"',
      clientIp: '192.0.2.10',
    });
    expect(refusal?.sessionId).toEqual(expect.any(String));
    const incoming = logs.records.find((r) => r.msg === 'incoming request');
    expect(incoming?.req).toMatchObject({ url: '/ws?target=bbs&token=[redacted]' });
  });
});

describe('/ws refusals', () => {
  it('send a STATE closed frame with the code before the close', async () => {
    app = await buildTestApp(BASE);
    const frames: unknown[] = [];
    let closedAfter = -1;
    const { closed, ws } = await connect(app, '/ws?target=nope', {
      onOpen: (socket) => {
        socket.on('message', (data: Buffer) => {
          const decoded = decodeServerFrame(new Uint8Array(data));
          frames.push(decoded.ok ? decoded.frame : decoded);
        });
      },
    });
    ws.once('close', () => {
      closedAfter = frames.length;
    });
    expect(await closed).toEqual({ code: 4012, reason: 'GW_ERR_UNKNOWN_TARGET' });
    expect(frames).toEqual([
      { type: 'state', state: 'closed', code: 'GW_ERR_UNKNOWN_TARGET', sessionId: expect.any(String) },
    ]);
    expect(closedAfter).toBe(1);
  });
});

describe('/ws limits', () => {
  it('refuses a session over the total limit with GW_ERR_OVERLOADED', async () => {
    const { handler } = recordingHandler();
    app = await buildTestApp(`${BASE}limits: { maxSessions: 1 }\n`, { onSession: handler });
    await connect(app, '/ws?target=bbs', { ip: '192.0.2.1' });
    await eventually(() => app?.telgate.sessions.openSessions === 1);
    expect(await refusedWith('/ws?target=bbs', { ip: '192.0.2.2' })).toEqual({
      code: 4010,
      reason: 'GW_ERR_OVERLOADED',
    });
  });

  it('refuses a session over the per-client limit, other clients unaffected', async () => {
    const { sessions, handler } = recordingHandler();
    app = await buildTestApp(`${BASE}limits: { maxSessionsPerIp: 1 }\n`, { onSession: handler });
    await connect(app, '/ws?target=bbs', { ip: '192.0.2.1' });
    await eventually(() => sessions.length === 1);
    expect(await refusedWith('/ws?target=bbs', { ip: '192.0.2.1' })).toEqual({
      code: 4010,
      reason: 'GW_ERR_OVERLOADED',
    });
    await connect(app, '/ws?target=bbs', { ip: '192.0.2.2' });
    await eventually(() => sessions.length === 2);
  });

  it('limits connection attempts per client per minute', async () => {
    app = await buildTestApp(`${BASE}limits: { connectAttemptsPerMinutePerIp: 2 }\n`);
    // The first two attempts get through to the (default) session handler; the third is turned away.
    expect((await refusedWith('/ws?target=bbs')).reason).toBe('GW_ERR_INTERNAL');
    expect((await refusedWith('/ws?target=nope')).reason).toBe('GW_ERR_UNKNOWN_TARGET');
    expect(await refusedWith('/ws?target=bbs')).toEqual({ code: 4010, reason: 'GW_ERR_OVERLOADED' });
    expect((await refusedWith('/ws?target=bbs', { ip: '192.0.2.99' })).reason).toBe('GW_ERR_INTERNAL');
  });

  it.each([
    ['a hop count', '1'],
    ['proxy addresses', '["10.0.0.0/24"]'],
  ])(
    'behind a proxy given as %s, counts the address the proxy saw, whatever the client adds to X-Forwarded-For',
    async (_name, trustProxy) => {
      const logs = new LogCapture();
      app = await buildTestApp(
        `${BASE}security: { trustProxy: ${trustProxy} }\nlimits: { connectAttemptsPerMinutePerIp: 2 }\n`,
        { logs },
      );
      const attempt = (n: number) =>
        refusedWith('/ws?target=bbs', {
          ip: '10.0.0.5',
          headers: { 'x-forwarded-for': `203.0.113.${n}, 198.51.100.7` },
        });
      expect((await attempt(1)).reason).toBe('GW_ERR_INTERNAL');
      expect((await attempt(2)).reason).toBe('GW_ERR_INTERNAL');
      expect(await attempt(3)).toEqual({ code: 4010, reason: 'GW_ERR_OVERLOADED' });
      const refusal = logs.records.find((r) => r.msg === 'connection refused');
      expect(refusal?.clientIp).toBe('198.51.100.7');
    },
  );

  it('closes with 1009 on a message over maxPayloadBytes', async () => {
    const { sessions, handler } = recordingHandler();
    app = await buildTestApp(`${BASE}limits: { maxPayloadBytes: 1024 }\n`, { onSession: handler });
    const { ws, closed } = await connect(app, '/ws?target=bbs');
    await eventually(() => sessions.length === 1);
    ws.send(Buffer.alloc(1025));
    expect((await closed).code).toBe(1009);
  });

  it('gives clients handshakeTimeoutMs to send their upgrade request', async () => {
    app = await buildTestApp(`${BASE}limits: { handshakeTimeoutMs: 1500 }\n`);
    expect(app.server.headersTimeout).toBe(1500);
  });

  it('uses the configured test app without process metrics', async () => {
    app = await buildTestApp(parseConfig(BASE));
    expect((await app.inject('/metrics')).body).not.toContain('process_cpu');
  });
});
