import { describe, expect, it } from 'vitest';
import {
  claimedGrants,
  listLiveSessions,
  parseLiveSessions,
  RecordingsApiError,
  searchQuery,
} from './recordings-api';

describe('searchQuery', () => {
  it('leaves out empty fields and turns local times into ISO 8601 instants', () => {
    expect(searchQuery({})).toBe('');
    expect(searchQuery({ text: '  needle ', target: '', user: 'alice' })).toBe('user=alice&text=needle');
    const from = '2026-01-02T03:04';
    expect(new URLSearchParams(searchQuery({ from })).get('from')).toBe(new Date(from).toISOString());
    expect(searchQuery({ to: 'not a time' })).toBe('');
  });
});

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('live sessions', () => {
  const LISTED = {
    sessionId: 'a1',
    target: 'lab',
    user: 'alice',
    clientIp: '127.0.0.1',
    startedAt: '2026-01-02T03:04:05.000Z',
    state: 'attached',
    recorded: true,
  };

  it('reads the GET /api/sessions body, leaving out malformed entries', () => {
    expect(
      parseLiveSessions({
        sessions: [
          LISTED,
          { sessionId: '', target: 'x' },
          7,
          { sessionId: 'b2', target: 'lab', state: 'detached' },
        ],
      }),
    ).toEqual([
      {
        sessionId: 'a1',
        target: 'lab',
        user: 'alice',
        clientIp: '127.0.0.1',
        startedAt: LISTED.startedAt,
        state: 'attached',
        recorded: true,
      },
      {
        sessionId: 'b2',
        target: 'lab',
        user: 'anonymous',
        clientIp: '',
        startedAt: '',
        state: 'detached',
        recorded: false,
      },
    ]);
    expect(parseLiveSessions(null)).toEqual([]);
  });

  it('asks with the token, and tells a token that may not list sessions from a failure', async () => {
    const asked: [string, RequestInit | undefined][] = [];
    const sessions = await listLiveSessions('tok', async (input, init) => {
      asked.push([String(input), init]);
      return json({ sessions: [LISTED] });
    });
    expect(sessions?.map((s) => s.sessionId)).toEqual(['a1']);
    expect(asked[0]?.[0]).toBe('/api/sessions');
    expect(asked[0]?.[1]?.headers).toEqual({ authorization: 'Bearer tok' });
    await expect(
      listLiveSessions('tok', async () => json({ code: 'GW_ERR_AUTH_FAILED' }, 403)),
    ).resolves.toBe(undefined);
    await expect(listLiveSessions('tok', async () => json({}, 500))).rejects.toBeInstanceOf(
      RecordingsApiError,
    );
    await expect(
      listLiveSessions('tok', async () => {
        throw new TypeError('network');
      }),
    ).rejects.toMatchObject({ code: 'WEB_ERR_RECORDINGS_UNAVAILABLE' });
  });
});

describe('claimedGrants', () => {
  const jwt = (payload: unknown) =>
    `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`;

  it('reads the telgate.grants claim of a JWT, base64url and all', () => {
    expect(claimedGrants(jwt({ tgt: '*', 'telgate.grants': ['recordings', 'watch'] }))).toEqual([
      'recordings',
      'watch',
    ]);
    // Characters that base64url writes as - and _.
    expect(claimedGrants(jwt({ sub: '>>>???', 'telgate.grants': ['watch'] }))).toEqual(['watch']);
  });

  it('claims nothing for a token without grants, or one it cannot read', () => {
    expect(claimedGrants(jwt({ tgt: '*' }))).toEqual([]);
    expect(claimedGrants(jwt({ 'telgate.grants': 'watch' }))).toEqual([]);
    expect(claimedGrants('opaque-token')).toEqual([]);
    expect(claimedGrants('a.!!!.c')).toEqual([]);
    expect(claimedGrants(jwt(null))).toEqual([]);
  });
});
