import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUBPROTOCOLS } from '@telgate/protocol';
import { type ScriptedHost, startScriptedHost } from '@telgate/test-peers';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { mintToken } from '../auth/token.js';
import { createTelnetRelay } from '../relay/index.js';
import { buildTestApp, eventually } from '../testing/gateway.js';
import { TerminalClient } from '../testing/terminal-client.js';

const SECRET = 'sessions-api-secret-that-is-long-enough-0';
let app: FastifyInstance | undefined;
let host: ScriptedHost | undefined;
let dir: string | undefined;
const clients: TerminalClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await app?.close();
  await host?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  app = undefined;
  host = undefined;
  dir = undefined;
});

describe('GET /api/sessions', () => {
  it('lists live and detached sessions to tokens with the watch grant only', async () => {
    host = await startScriptedHost(() => {});
    dir = await mkdtemp(join(tmpdir(), 'telgate-sessions-'));
    app = await buildTestApp(
      `
listen: { host: 127.0.0.1 }
targets:
  - { id: lab, host: 127.0.0.1, port: ${host.port}, negotiation: passive, resume: { graceSeconds: 60 } }
  - { id: bbs, host: 127.0.0.1, port: ${host.port}, negotiation: passive }
security: { auth: { mode: token, hs256Secret: ${SECRET} } }
recording: { targets: [lab], directory: ${dir} }
`,
      { onSession: createTelnetRelay() },
    );
    const open = async (target: string, user: string) => {
      const token = await mintToken({ target, user, hs256Secret: SECRET });
      const c = await TerminalClient.open(app!, `/ws?target=${target}&token=${token}`, {
        protocols: [...SUBPROTOCOLS],
      });
      clients.push(c);
      c.send({ type: 'resize', cols: 80, rows: 24 });
      return { c, state: await c.waitForFrame('state', (f) => f.state === 'connected') };
    };
    const alice = await open('lab', 'alice');
    const bob = await open('bbs', 'bob');
    alice.c.ws.terminate();
    await eventually(() => app!.telgate.resumable.detachedCount === 1);

    const watch = await mintToken({ target: '*', user: 'op', hs256Secret: SECRET, grants: ['watch'] });
    const response = await app.inject({
      url: '/api/sessions',
      headers: { authorization: `Bearer ${watch}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const { sessions } = response.json() as { sessions: Array<Record<string, unknown>> };
    expect(sessions).toHaveLength(2);
    expect(sessions.find((s) => s.sessionId === alice.state.sessionId)).toMatchObject({
      target: 'lab',
      user: 'alice',
      clientIp: '127.0.0.1',
      state: 'detached',
      recorded: true,
    });
    expect(sessions.find((s) => s.sessionId === bob.state.sessionId)).toMatchObject({
      target: 'bbs',
      user: 'bob',
      state: 'attached',
      recorded: false,
    });

    expect((await app.inject({ url: '/api/sessions' })).statusCode).toBe(401);
    const user = await mintToken({ target: 'lab', user: 'alice', hs256Secret: SECRET });
    expect((await app.inject({ url: `/api/sessions?token=${user}` })).statusCode).toBe(403);
    const recordingsOnly = await mintToken({
      target: '*',
      user: 'op',
      hs256Secret: SECRET,
      grants: ['recordings'],
    });
    const refused = await app.inject({
      url: '/api/sessions',
      headers: { authorization: `Bearer ${recordingsOnly}` },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'GW_ERR_AUTH_FAILED' });
  });

  it('does not exist without token auth', async () => {
    app = await buildTestApp('');
    expect((await app.inject({ url: '/api/sessions' })).statusCode).toBe(404);
  });
});
