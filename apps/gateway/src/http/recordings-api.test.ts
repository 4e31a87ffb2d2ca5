import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mintToken } from '../auth/token.js';
import { parseAsciicast } from '../testing/asciicast.js';
import { buildTestApp } from '../testing/gateway.js';

const SECRET = 'recordings-api-secret-that-is-long-enough';
let dir: string;
let app: FastifyInstance | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'telgate-api-'));
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function gateway(page = true): Promise<FastifyInstance> {
  app = await buildTestApp(`
targets: [{ id: lab, host: 127.0.0.1, port: 23 }]
security: { auth: { mode: token, hs256Secret: ${SECRET} } }
recording: { targets: [lab], directory: ${dir}, page: ${page}, maxAgeDays: 0 }
`);
  return app;
}

async function recording(user: string, startedAt: string, output: string): Promise<string> {
  const id = randomUUID();
  const cast = `${JSON.stringify({ version: 2, width: 80, height: 24, timestamp: Date.parse(startedAt) / 1000 })}\n${JSON.stringify([1.25, 'o', output])}\n`;
  await writeFile(join(dir, `${id}.cast`), cast);
  await writeFile(
    join(dir, `${id}.json`),
    JSON.stringify({
      id,
      target: 'lab',
      user,
      startedAt,
      endedAt: startedAt,
      durationMs: 1250,
      bytesFromHost: 100,
      bytesToHost: 10,
      closeReason: 'client_closed',
      castBytes: cast.length,
      complete: true,
    }),
  );
  return id;
}

const operator = () => mintToken({ target: '*', user: 'op', hs256Secret: SECRET, grants: ['recordings'] });
const bearer = async (token?: string) => ({ authorization: `Bearer ${token ?? (await operator())}` });

describe('recordings API', () => {
  it('refuses requests without a token (401) and tokens without the recordings grant (403)', async () => {
    const a = await gateway();
    const none = await a.inject({ url: '/api/recordings' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ code: 'GW_ERR_AUTH_FAILED' });
    const user = await mintToken({ target: 'lab', user: 'alice', hs256Secret: SECRET });
    const plain = await a.inject({ url: '/api/recordings', headers: await bearer(user) });
    expect(plain.statusCode).toBe(403);
    const cast = await a.inject({ url: `/api/recordings/${randomUUID()}/cast`, headers: await bearer(user) });
    expect(cast.statusCode).toBe(403);
  });

  it('lists recordings newest first, and searches by user, time and text in the output', async () => {
    const a = await gateway();
    const older = await recording('alice', '2026-01-01T10:00:00.000Z', 'the \u001b[1mneedle\u001b[0m word');
    const newer = await recording('bob', '2026-02-01T10:00:00.000Z', 'hay');
    const headers = await bearer();
    const list = await a.inject({ url: '/api/recordings', headers });
    expect(list.statusCode).toBe(200);
    expect(list.headers['cache-control']).toBe('no-store');
    const body = list.json() as { recordings: Array<Record<string, unknown>> };
    expect(body.recordings.map((r) => r.id)).toEqual([newer, older]);
    expect(body.recordings[1]).toMatchObject({
      target: 'lab',
      user: 'alice',
      startedAt: '2026-01-01T10:00:00.000Z',
      durationMs: 1250,
      closeReason: 'client_closed',
      complete: true,
    });
    const ids = async (query: string) =>
      (
        (await a.inject({ url: `/api/recordings?${query}`, headers })).json() as {
          recordings: { id: string }[];
        }
      ).recordings.map((r) => r.id);
    expect(await ids('text=NEEDLE')).toEqual([older]);
    expect(await ids('user=bob')).toEqual([newer]);
    expect(await ids('from=2026-01-15&to=2026-03-01')).toEqual([newer]);
    expect(await ids('target=other')).toEqual([]);
    const bad = await a.inject({ url: '/api/recordings?from=yesterday', headers });
    expect(bad.statusCode).toBe(400);
  });

  it('serves the .cast (as a download when asked), and refuses ids that are not session ids', async () => {
    const a = await gateway();
    const id = await recording('alice', '2026-01-01T10:00:00.000Z', 'hello');
    const headers = await bearer();
    const cast = await a.inject({ url: `/api/recordings/${id}/cast?download=1`, headers });
    expect(cast.statusCode).toBe(200);
    expect(cast.headers['content-type']).toBe('application/x-asciicast; charset=utf-8');
    expect(cast.headers['content-disposition']).toBe(`attachment; filename="${id}.cast"`);
    expect(parseAsciicast(cast.body).events).toEqual([[1.25, 'o', 'hello']]);
    const info = await a.inject({ url: `/api/recordings/${id}`, headers });
    expect(info.json()).toMatchObject({ id, user: 'alice' });
    expect((await a.inject({ url: `/api/recordings/${randomUUID()}`, headers })).statusCode).toBe(404);
    expect((await a.inject({ url: '/api/recordings/..%2F..%2Fetc%2Fpasswd/cast', headers })).statusCode).toBe(
      400,
    );
  });

  it('does not exist unless recording.page is on', async () => {
    const a = await gateway(false);
    const response = await a.inject({ url: '/api/recordings', headers: await bearer() });
    expect(response.statusCode).toBe(404);
  });
});
