import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUBPROTOCOL } from '@telgate/protocol';
import { Ajv } from 'ajv';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { buildApp } from './app.js';
import { mintToken } from './auth/token.js';
import { ConfigError, parseConfig } from './config/load.js';
import {
  errorResponse,
  healthResponse,
  pageConfigResponse,
  targetsResponse,
} from './http/response-schemas.js';
import { NOT_BUILT_PAGE } from './http/web-app.js';
import { createLogger } from './observability/logging.js';
import { createMetrics } from './observability/metrics.js';
import { createTelnetRelay } from './relay/index.js';
import {
  buildTestApp,
  connect,
  connectOverLoopback,
  eventually,
  LogCapture,
  TEST_TIMEOUT_MS,
  terminateAll,
} from './testing/gateway.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  terminateAll();
  await app?.close();
  app = undefined;
});

describe('GET /healthz', () => {
  it('answers while the gateway serves', async () => {
    app = await buildTestApp();
    const response = await app.inject('/healthz');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok', sessions: 0 });
  });
});

describe('request logging', () => {
  it('leaves health probes and metric scrapes out of the request log', async () => {
    const logs = new LogCapture();
    app = await buildTestApp('', { logs });
    await app.inject('/healthz');
    await app.inject('/metrics');
    expect(logs.records.filter((r) => r.msg === 'incoming request')).toEqual([]);
    await app.inject('/api/targets');
    expect(logs.records.filter((r) => r.msg === 'incoming request')).toHaveLength(1);
  });
});

describe('operator logs', () => {
  let webRoot: string;
  beforeAll(async () => {
    webRoot = await mkdtemp(join(tmpdir(), 'telgate-web-'));
    await mkdir(join(webRoot, 'assets'));
    await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>telgate web</title>');
    await writeFile(join(webRoot, 'assets', 'app-1234.js'), 'console.log(1)');
  });
  afterAll(async () => {
    await rm(webRoot, { recursive: true, force: true });
  });

  it('carry one line per session start and end and none per request at info level, and never a token at any level', async () => {
    const logs = new LogCapture();
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNlY3JldA';
    app = await buildTestApp('', {
      webRoot,
      logger: createLogger('debug', logs.stream),
      onSession: (socket, ctx) => {
        ctx.reportEnding({ outcome: 'client_closed', bytesFromHost: 120, bytesToHost: 7 });
        socket.close(1000);
      },
    });
    for (const url of ['/', '/embed?target=demo', '/assets/app-1234.js', '/api/targets', '/api/config']) {
      expect((await app.inject(url)).statusCode, url).toBe(200);
    }
    // A directory URL is the browser's mistake: refused, and not a line with a stack at info.
    expect((await app.inject('/assets/')).statusCode).toBe(403);
    const missing = await app.inject(`/embed/?target=t1&token=${token}`);
    expect(missing.statusCode).toBe(404);
    expect(missing.body).not.toContain(token);
    // Over real TCP: the server learns at once that the connection ended.
    const { closed } = await connectOverLoopback(app, `/ws?target=demo&%74oken=${token}`);
    expect((await closed).code).toBe(1000);
    await eventually(() => logs.text.includes('session ended'));

    expect(logs.text).not.toContain(token);
    expect(logs.text).not.toContain('c2lnbmF0dXJlLXNlY3JldA');
    const info = logs.records.filter(
      (r) => (r.level as number) >= 30 && !String(r.msg).startsWith('Server listening'),
    );
    expect(JSON.stringify(info)).not.toContain('app-1234');
    expect(info.map((r) => r.msg)).toEqual(['session started', 'session ended']);
    expect(info[0]).toMatchObject({ target: 'demo', clientIp: '127.0.0.1', address: '127.0.0.1' });
    expect(info[1]).toMatchObject({
      target: 'demo',
      outcome: 'client_closed',
      closeCode: 1000,
      bytesFromHost: 120,
      bytesToHost: 7,
      durationMs: expect.any(Number),
    });
  });

  it('carry one line per session start and end with the Telnet relay too', async () => {
    const host = createServer((socket) => socket.end('hello\r\n'));
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = host.address() as { port: number };
      const logs = new LogCapture();
      app = await buildTestApp(
        `targets: [{ id: t1, host: 127.0.0.1, port: ${port}, negotiation: passive }]`,
        {
          logger: createLogger('info', logs.stream),
          onSession: createTelnetRelay(),
        },
      );
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address() as { port: number };
      const ws = new WebSocket(`ws://127.0.0.1:${address.port}/ws?target=t1`, SUBPROTOCOL);
      const code = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no close')), TEST_TIMEOUT_MS);
        ws.once('close', (closeCode: number) => {
          clearTimeout(timer);
          resolve(closeCode);
        });
      });
      expect(code).toBe(4007);
      await eventually(() => logs.text.includes('session ended'));
      const records = logs.records.filter((r) => !String(r.msg).startsWith('Server listening'));
      expect(records.map((r) => r.msg)).toEqual(['session started', 'session ended']);
      expect(records[1]).toMatchObject({
        target: 't1',
        outcome: 'GW_ERR_HOST_CLOSED',
        closeCode: 4007,
        bytesFromHost: 7,
        durationMs: expect.any(Number),
      });
    } finally {
      await new Promise((resolve) => host.close(resolve));
    }
  });

  it('at debug level, log requests and 404s by path, without their query strings', async () => {
    const logs = new LogCapture();
    app = await buildTestApp('', { logs, webRoot });
    await app.inject('/embed/?target=t1&token=s3cr3t-t0k3n');
    await app.inject('/ws?target=demo&%74oken=s3cr3t-t0k3n');
    expect(logs.text).not.toContain('s3cr3t-t0k3n');
    expect(logs.records.find((r) => r.msg === 'no such route')).toMatchObject({
      method: 'GET',
      path: '/embed/',
    });
  });
});

describe('GET /metrics', () => {
  it('exports the gateway metrics in the Prometheus format', async () => {
    app = await buildTestApp();
    app.telgate.metrics.bytesFromHost.inc(42);
    app.telgate.metrics.negotiations.inc({ option: 'NAWS', outcome: 'enabled' });
    const response = await app.inject('/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    for (const name of [
      'telgate_sessions_open',
      'telgate_sessions_started_total',
      'telgate_host_bytes_received_total',
      'telgate_host_bytes_sent_total',
      'telgate_connect_errors_total',
      'telgate_negotiations_total',
      'telgate_session_closes_total',
      'telgate_connection_refusals_total',
    ]) {
      expect(response.body).toContain(`# TYPE ${name} `);
    }
    expect(response.body).toContain('telgate_host_bytes_received_total 42');
    expect(response.body).toContain('telgate_negotiations_total{option="NAWS",outcome="enabled"} 1');
  });

  it('includes process metrics by default', async () => {
    const metrics = createMetrics();
    expect(await metrics.registry.metrics()).toContain('process_cpu_user_seconds_total');
  });
});

describe('response schemas', () => {
  const ajv = new Ajv({ strict: true, allErrors: true });
  const conforms = (schema: object, body: unknown) => {
    const validate = ajv.compile(schema);
    return validate(body) ? [] : validate.errors;
  };

  it('describe every field of every JSON answer, and the answers keep all of them', async () => {
    app = await buildTestApp(`
targets:
  - { id: bbs, label: The BBS, host: bbs.example.org, port: 23, terminal: { mode: bbs } }
  - { id: plain, host: plain.example.org, port: 2323 }
kiosk: { target: bbs, toolbar: [interrupt, settings], settings: [font-size] }
security: { frameAncestors: ["'self'", 'https://portal.example', 'https://*.example'] }
`);
    const health = (await app.inject('/healthz')).json();
    expect(conforms(healthResponse, health)).toEqual([]);
    expect(health).toEqual({ status: 'ok', sessions: 0 });

    const targets = (await app.inject('/api/targets')).json();
    expect(conforms(targetsResponse, targets)).toEqual([]);
    expect(targets.targets[0]).toEqual({
      id: 'bbs',
      label: 'The BBS',
      host: 'bbs.example.org',
      port: 23,
      charset: 'CP437-glyphs',
      terminalMode: 'bbs',
    });

    const pageConfig = (await app.inject('/api/config')).json();
    expect(conforms(pageConfigResponse, pageConfig)).toEqual([]);
    expect(pageConfig).toEqual({
      embedAllowedOrigins: ['https://portal.example'],
      kiosk: { toolbar: ['interrupt', 'settings'], settings: ['font-size'] },
    });
  });

  it('describe the refusal of the target list', async () => {
    app = await buildTestApp(`security: { auth: { mode: token, hs256Secret: "${'s'.repeat(32)}" } }`);
    const response = await app.inject('/api/targets');
    expect(response.statusCode).toBe(401);
    expect(conforms(errorResponse, response.json())).toEqual([]);
    expect(response.json()).toMatchObject({ code: 'GW_ERR_AUTH_FAILED' });
  });
});

describe('GET /api/targets', () => {
  it('lists the configured targets, free-form and auth mode', async () => {
    app = await buildTestApp(`
listen: { host: 127.0.0.1 }
targets:
  - { id: bbs, label: The BBS, host: bbs.example.org, port: 23, charset: CP437, eol: crnul }
freeForm: { enabled: true, allow: [{ cidr: 0.0.0.0/0 }] }
`);
    const response = await app.inject('/api/targets');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      targets: [{ id: 'bbs', label: 'The BBS', host: 'bbs.example.org', port: 23, charset: 'CP437' }],
      freeForm: { enabled: true },
      auth: { mode: 'none' },
    });
  });

  it("tells the page each target's terminal mode, when it is not the normal one", async () => {
    app = await buildTestApp(`
targets:
  - { id: bbs, host: bbs.example.org, port: 23, terminal: { mode: bbs } }
  - { id: mud, host: mud.example.org, port: 4000, terminal: { mode: mud } }
  - { id: plain, host: plain.example.org, port: 23, terminal: { mode: normal } }
`);
    const { targets } = (await app.inject('/api/targets')).json() as { targets: object[] };
    expect(targets).toEqual([
      {
        id: 'bbs',
        label: 'bbs',
        host: 'bbs.example.org',
        port: 23,
        charset: 'CP437-glyphs',
        terminalMode: 'bbs',
      },
      { id: 'mud', label: 'mud', host: 'mud.example.org', port: 4000, charset: 'UTF-8', terminalMode: 'mud' },
      { id: 'plain', label: 'plain', host: 'plain.example.org', port: 23, charset: 'UTF-8' },
    ]);
  });
});

describe('GET /api/targets with token auth', () => {
  const SECRET = 'targets-api-test-secret-0123456789abcdef';
  const CONFIG = `
targets:
  - { id: bbs, host: 127.0.0.1, port: 2323 }
  - { id: mud, host: 127.0.0.1, port: 4000 }
security: { auth: { mode: token, hs256Secret: "${SECRET}" } }
`;
  const ids = (response: { json: () => unknown }) =>
    (response.json() as { targets: Array<{ id: string }> }).targets.map((t) => t.id);

  it('refuses a request without a valid token with 401 and a stable code', async () => {
    app = await buildTestApp(CONFIG);
    const stale = await mintToken({
      hs256Secret: SECRET,
      target: 'bbs',
      user: 'a',
      ttlSeconds: 60,
      now: new Date(Date.now() - 3600_000),
    });
    for (const url of ['/api/targets', '/api/targets?token=abc.def.ghi', `/api/targets?token=${stale}`]) {
      const response = await app.inject(url);
      expect(response.statusCode, url).toBe(401);
      expect(response.json()).toMatchObject({ code: 'GW_ERR_AUTH_FAILED' });
    }
  });

  it('lists the target a token opens, or all of them for a * token', async () => {
    app = await buildTestApp(CONFIG);
    const one = await mintToken({ hs256Secret: SECRET, target: 'mud', user: 'alice' });
    expect(ids(await app.inject(`/api/targets?token=${one}`))).toEqual(['mud']);
    const all = await mintToken({ hs256Secret: SECRET, target: '*', user: 'portal' });
    const response = await app.inject({ url: '/api/targets', headers: { authorization: `Bearer ${all}` } });
    expect(response.statusCode).toBe(200);
    expect(ids(response)).toEqual(['bbs', 'mud']);
  });

  it('never opens a session with a * token', async () => {
    app = await buildTestApp(CONFIG);
    const all = await mintToken({ hs256Secret: SECRET, target: '*', user: 'portal' });
    const { closed } = await connect(app, `/ws?target=bbs&token=${all}`);
    expect(await closed).toEqual({ code: 4002, reason: 'GW_ERR_AUTH_FAILED' });
  });
});

describe('slow clients', () => {
  it('are cut off once handshakeTimeoutMs passes without a complete request', async () => {
    app = await buildTestApp('limits: { handshakeTimeoutMs: 200 }');
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const socket = createConnection({ host: '127.0.0.1', port });
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', () => {});
    // The headers never end: a slow-loris upgrade.
    socket.write('GET /ws?target=demo HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n');
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the gateway kept the connection')), TEST_TIMEOUT_MS);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    } finally {
      socket.destroy();
    }
    expect(Buffer.concat(received).toString('latin1')).toMatch(/^HTTP\/1\.1 408/);
  });
});

describe('WebSocket subprotocol', () => {
  async function protocolChosen(offered: string[]): Promise<string> {
    if (!app) throw new Error('no app');
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?target=demo`, offered);
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      return ws.protocol;
    } finally {
      ws.terminate();
    }
  }

  it('picks telgate.v1 wherever the browser lists it', async () => {
    app = await buildTestApp('', { onSession: () => {} });
    expect(await protocolChosen(['x', SUBPROTOCOL])).toBe(SUBPROTOCOL);
  });

  it('picks none when telgate.v1 is not offered', async () => {
    app = await buildTestApp('', { onSession: () => {} });
    // Browsers open such a socket (and the session then refuses them); the ws client gives up at once.
    await expect(protocolChosen(['x', 'y'])).rejects.toThrow('Server sent no subprotocol');
  });
});

describe('the Host check (DNS rebinding)', () => {
  const rebound = { host: 'attacker.example:8080', origin: 'http://attacker.example:8080' };

  it('refuses a page whose name was rebound to the gateway, saying which setting to change', async () => {
    const logs = new LogCapture();
    app = await buildTestApp('', { logs });
    for (const url of ['/api/targets', '/api/config', '/']) {
      const response = await app.inject({ url, headers: rebound });
      expect(response.statusCode, url).toBe(421);
      expect(response.json()).toMatchObject({ code: 'GW_ERR_HOST_NOT_ALLOWED' });
    }
    expect(logs.text).toContain('security.publicHosts');
    expect((await app.inject('/metrics')).body).toContain(
      'telgate_connection_refusals_total{reason="host"} 3',
    );
    // Probes and scrapes may use any name.
    expect((await app.inject({ url: '/healthz', headers: rebound })).statusCode).toBe(200);
  });

  it('accepts the configured public host names', async () => {
    app = await buildTestApp('security: { publicHosts: [term.example.com] }');
    const response = await app.inject({
      url: '/api/targets',
      headers: { host: 'term.example.com', origin: 'https://term.example.com' },
    });
    expect(response.statusCode).toBe(200);
    expect((await app.inject({ url: '/api/targets', headers: rebound })).statusCode).toBe(421);
  });
});

describe('security headers', () => {
  it('sends a CSP without inline or eval script, and keeps framing to the gateway by default', async () => {
    app = await buildTestApp();
    const response = await app.inject('/');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    expect(csp).not.toContain('unsafe-eval');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  it('lets the configured origins embed the pages', async () => {
    app = await buildTestApp(`security: { frameAncestors: ["'self'", "https://portal.example"] }`);
    const response = await app.inject('/healthz');
    expect(String(response.headers['content-security-policy'])).toContain(
      "frame-ancestors 'self' https://portal.example",
    );
    expect(response.headers['x-frame-options']).toBeUndefined();
  });
});

describe('the web app', () => {
  let webRoot: string;
  beforeAll(async () => {
    webRoot = await mkdtemp(join(tmpdir(), 'telgate-web-'));
    await mkdir(join(webRoot, 'assets'));
    await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>telgate web</title>');
    await writeFile(join(webRoot, 'assets', 'app-1234.js'), 'console.log(1)');
    await writeFile(join(webRoot, 'assets', 'app-1234.js.map'), '{"sourcesContent":["secret"]}');
  });
  afterAll(async () => {
    await rm(webRoot, { recursive: true, force: true });
  });

  it('keeps source maps to itself unless told to serve them', async () => {
    app = await buildTestApp('', { webRoot });
    expect((await app.inject('/assets/app-1234.js.map')).statusCode).toBe(404);
    expect((await app.inject('/assets/app-1234.js')).statusCode).toBe(200);
    await app.close();
    app = await buildTestApp('security: { serveSourceMaps: true }', { webRoot });
    expect((await app.inject('/assets/app-1234.js.map')).statusCode).toBe(200);
  });

  it('serves the built web app, caching hashed assets for good', async () => {
    app = await buildTestApp('', { webRoot });
    const index = await app.inject('/');
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('telgate web');
    expect(index.headers['cache-control']).toBe('no-cache');
    const asset = await app.inject('/assets/app-1234.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await app.inject('/nope.js')).statusCode).toBe(404);
  });

  it('serves the same page at /embed and /kiosk', async () => {
    app = await buildTestApp('', { webRoot });
    for (const path of ['/embed?target=demo', '/kiosk?target=demo', '/index.html']) {
      const response = await app.inject(path);
      expect(response.statusCode, path).toBe(200);
      expect(response.body).toContain('telgate web');
    }
  });

  it('turns every page into the kiosk of the configured target, keeping display choices only', async () => {
    app = await buildTestApp('kiosk: { target: demo }', { webRoot });
    const redirects: Record<string, string> = {
      '/': '/kiosk?target=demo',
      '/?target=other&theme=light': '/kiosk?target=demo&theme=light',
      '/index.html': '/kiosk?target=demo',
      '/embed?target=demo&token=abc': '/kiosk?target=demo',
      '/kiosk?target=other&renderer=dom': '/kiosk?target=demo&renderer=dom',
      '/kiosk?target=demo&host=evil.example': '/kiosk?target=demo',
    };
    for (const [path, location] of Object.entries(redirects)) {
      const response = await app.inject(path);
      expect(response.statusCode, path).toBe(302);
      expect(response.headers.location, path).toBe(location);
    }
    const kiosk = await app.inject('/kiosk?target=demo&renderer=dom');
    expect(kiosk.statusCode).toBe(200);
    expect(kiosk.body).toContain('telgate web');
    const targets = (await app.inject('/api/targets')).json() as { targets: Array<{ id: string }> };
    expect(targets.targets.map((t) => t.id)).toEqual(['demo']);
  });

  it('says so when the web app is not built', async () => {
    app = await buildTestApp('', { webRoot: join(webRoot, 'missing') });
    const response = await app.inject('/');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toBe(NOT_BUILT_PAGE);
  });
});

describe('buildApp', () => {
  it('refuses auth mode none on a public address even for a configuration built in code', async () => {
    const config = parseConfig('');
    const exposed = { ...config, listen: { host: '0.0.0.0', port: 8080 } };
    await expect(
      buildApp(exposed, { metrics: createMetrics({ processMetrics: false }) }),
    ).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('pages and client configuration', () => {
  it('tells the page which parent origins may drive an embedded terminal', async () => {
    app = await buildTestApp(`
security: { frameAncestors: ["'self'", "https://portal.example.org", "https://*.example.com", "http://127.0.0.1:9000"] }
`);
    const response = await app.inject('/api/config');
    expect(response.json()).toEqual({
      embedAllowedOrigins: ['https://portal.example.org', 'http://127.0.0.1:9000'],
    });
  });

  it('tells a kiosk page which toolbar items and settings it shows', async () => {
    app = await buildTestApp(`
kiosk: { target: demo, toolbar: [interrupt, settings], settings: [font-size] }
`);
    const response = await app.inject('/api/config');
    expect(response.json()).toEqual({
      embedAllowedOrigins: [],
      kiosk: { toolbar: ['interrupt', 'settings'], settings: ['font-size'] },
    });
  });
});
