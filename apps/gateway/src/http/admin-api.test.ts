import { SUBPROTOCOLS } from '@telgate/protocol';
import { type ScriptedHost, startScriptedHost } from '@telgate/test-peers';
import { Ajv } from 'ajv';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { isStopping } from '../app.js';
import { mintToken } from '../auth/token.js';
import { DRAIN_NOTICE_CODE } from '../cluster/drain.js';
import { createTelnetRelay } from '../relay/index.js';
import { buildTestApp, eventually } from '../testing/gateway.js';
import { TerminalClient } from '../testing/terminal-client.js';
import { DEFAULT_ADMIN_DRAIN_SECONDS } from './admin-api.js';
import { drainResponse, errorResponse } from './response-schemas.js';

const SECRET = 'admin-api-secret-that-is-long-enough-000';
let app: FastifyInstance | undefined;
let host: ScriptedHost | undefined;
const clients: TerminalClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  if (app && !isStopping(app)) await app.close();
  app?.telgate.cluster.drain.stop();
  await host?.stop();
  app = undefined;
  host = undefined;
});

const ajv = new Ajv({ strict: true, allErrors: true });
const conforms = (schema: object, body: unknown) => {
  const validate = ajv.compile(schema);
  return validate(body) ? [] : validate.errors;
};

async function gatewayWithSession(
  cluster: string,
): Promise<{ app: FastifyInstance; client: TerminalClient }> {
  host = await startScriptedHost(() => {});
  app = await buildTestApp(
    `
listen: { host: 127.0.0.1 }
targets:
  - { id: lab, host: 127.0.0.1, port: ${host.port}, negotiation: passive }
security: { auth: { mode: token, hs256Secret: ${SECRET} } }
cluster: ${cluster}
`,
    { onSession: createTelnetRelay() },
  );
  const token = await mintToken({ target: 'lab', user: 'alice', hs256Secret: SECRET });
  const client = await TerminalClient.open(app, `/ws?target=lab&token=${token}`, {
    protocols: [...SUBPROTOCOLS],
  });
  clients.push(client);
  client.send({ type: 'resize', cols: 80, rows: 24 });
  await client.waitForFrame('state', (f) => f.state === 'connected');
  return { app, client };
}

const adminToken = () => mintToken({ target: '*', user: 'ops', hs256Secret: SECRET, grants: ['admin'] });

function drain(gateway: FastifyInstance, token: string, body?: unknown) {
  return gateway.inject({
    method: 'POST',
    url: '/api/admin/drain',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { payload: JSON.stringify(body) }),
  });
}

describe('POST /api/admin/drain', () => {
  it('drains for tokens with the admin grant: 202 with the deadline, /healthz 503, sessions warned', async () => {
    const { app, client } = await gatewayWithSession('{ gatewayId: gw-1 }');
    const before = Date.now();
    const response = await drain(app, await adminToken(), { seconds: 120 });
    expect(response.statusCode).toBe(202);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json() as { deadline: string };
    expect(conforms(drainResponse, body)).toEqual([]);
    expect(body).toMatchObject({ status: 'draining', sessions: 1, gateway: 'gw-1' });
    const deadline = Date.parse(body.deadline);
    expect(deadline).toBeGreaterThanOrEqual(before + 120_000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 120_000);

    const warning = await client.waitForFrame(
      'notice',
      (f) => f.notice.kind === 'warning' && f.notice.code === DRAIN_NOTICE_CODE,
    );
    expect(warning.notice.kind === 'warning' && warning.notice.message).toMatch(/ends in 2 minutes/);
    const health = await app.inject('/healthz');
    expect(health.statusCode).toBe(503);
    expect(health.json()).toEqual({
      status: 'draining',
      sessions: 1,
      gateway: 'gw-1',
      deadline: body.deadline,
    });
    // New sessions go elsewhere, before the upgrade.
    const upgrade = { connection: 'upgrade', upgrade: 'websocket', 'sec-websocket-version': '13' };
    expect((await app.inject({ url: '/ws?target=lab', headers: upgrade })).statusCode).toBe(503);

    // A longer drain asked for later changes nothing; the session goes on.
    const later = await drain(app, await adminToken(), { seconds: 3600 });
    expect(later.statusCode).toBe(202);
    expect(later.json()).toMatchObject({ deadline: body.deadline });
    expect(isStopping(app)).toBe(false);

    // A shorter one brings the deadline forward: 0 ends the sessions now, and the gateway stops.
    const now = await drain(app, await adminToken(), { seconds: 0 });
    expect(now.statusCode).toBe(202);
    expect(Date.parse((now.json() as { deadline: string }).deadline)).toBeLessThan(deadline);
    const ended = await client.waitForFrame('state', (f) => f.state === 'closed');
    expect(ended.state === 'closed' && ended.code).toBe('GW_ERR_SHUTDOWN');
    await eventually(() => isStopping(app));
  });

  it('without seconds, drains for cluster.drainSeconds, or 300 s when that is 0', async () => {
    const { app } = await gatewayWithSession('{ drainSeconds: 45 }');
    const before = Date.now();
    const response = await drain(app, await adminToken());
    expect(response.statusCode).toBe(202);
    const deadline = Date.parse((response.json() as { deadline: string }).deadline);
    expect(deadline - before).toBeGreaterThanOrEqual(45_000);
    expect(deadline - before).toBeLessThan(46_000);
    expect(response.json()).not.toHaveProperty('gateway');
    app.telgate.cluster.drain.stop();
    await app.close();

    const other = await gatewayWithSession('{}');
    const start = Date.now();
    const answer = await drain(other.app, await adminToken(), {});
    const until = Date.parse((answer.json() as { deadline: string }).deadline);
    expect(until - start).toBeGreaterThanOrEqual(DEFAULT_ADMIN_DRAIN_SECONDS * 1000);
    expect(until - start).toBeLessThan(DEFAULT_ADMIN_DRAIN_SECONDS * 1000 + 1000);
  });

  it('refuses without a token, without the admin grant, and a bad body, and does not drain', async () => {
    const { app } = await gatewayWithSession('{ gatewayId: gw-1 }');
    const anonymous = await app.inject({ method: 'POST', url: '/api/admin/drain' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toEqual({ error: 'This needs an operator token.', code: 'GW_ERR_AUTH_FAILED' });
    const watcher = await mintToken({ target: '*', user: 'op', hs256Secret: SECRET, grants: ['watch'] });
    const refused = await drain(app, watcher, { seconds: 1 });
    expect(refused.statusCode).toBe(403);
    expect(conforms(errorResponse, refused.json())).toEqual([]);
    expect(refused.json()).toMatchObject({ code: 'GW_ERR_AUTH_FAILED' });
    const user = await mintToken({ target: 'lab', user: 'alice', hs256Secret: SECRET });
    expect((await drain(app, user, { seconds: 1 })).statusCode).toBe(403);
    const forged = await mintToken({
      target: '*',
      user: 'ops',
      hs256Secret: 'another-secret-that-is-long-enough-00000',
      grants: ['admin'],
    });
    expect((await drain(app, forged, { seconds: 1 })).statusCode).toBe(401);

    const admin = await adminToken();
    for (const body of [
      { seconds: -1 },
      { seconds: 1.5 },
      { seconds: 'soon' },
      { seconds: 86_401 },
      { when: 1 },
    ]) {
      const bad = await drain(app, admin, body);
      expect(bad.statusCode, JSON.stringify(body)).toBe(400);
      expect(conforms(errorResponse, bad.json())).toEqual([]);
    }
    expect(app.telgate.cluster.drain.draining).toBe(false);
    expect((await app.inject('/healthz')).statusCode).toBe(200);
  });

  it('does not exist without token auth', async () => {
    app = await buildTestApp('cluster: { gatewayId: gw-1 }');
    const response = await app.inject({ method: 'POST', url: '/api/admin/drain' });
    expect(response.statusCode).toBe(404);
    expect(app.telgate.cluster.drain.draining).toBe(false);
  });
});
