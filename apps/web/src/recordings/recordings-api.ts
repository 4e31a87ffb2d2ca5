import type { LiveSessionInfo, RecordingInfo } from '@telgate/protocol';

/** What the operator searches for; empty fields are left out. */
export interface RecordingSearch {
  readonly target?: string;
  readonly user?: string;
  /** `datetime-local` values (the browser's time zone). */
  readonly from?: string;
  readonly to?: string;
  readonly text?: string;
}

/** A failed call, with a stable code and words for the operator. */
export class RecordingsApiError extends Error {
  constructor(
    readonly code: 'WEB_ERR_TOKEN_REFUSED' | 'WEB_ERR_RECORDINGS_UNAVAILABLE',
    message: string,
  ) {
    super(message);
    this.name = 'RecordingsApiError';
  }
}

/** The query string for a search: local times become ISO 8601 instants. */
export function searchQuery(search: RecordingSearch): string {
  const params = new URLSearchParams();
  for (const key of ['target', 'user', 'text'] as const) {
    const value = search[key]?.trim();
    if (value) params.set(key, value);
  }
  for (const key of ['from', 'to'] as const) {
    const value = search[key];
    if (!value) continue;
    const time = new Date(value);
    if (!Number.isNaN(time.getTime())) params.set(key, time.toISOString());
  }
  return params.toString();
}

async function call(path: string, token: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
  } catch {
    throw new RecordingsApiError('WEB_ERR_RECORDINGS_UNAVAILABLE', 'The gateway cannot be reached.');
  }
  if (response.status === 401 || response.status === 403) {
    throw new RecordingsApiError(
      'WEB_ERR_TOKEN_REFUSED',
      'This token does not open the recordings: an operator token with the "recordings" grant is needed.',
    );
  }
  if (!response.ok) {
    throw new RecordingsApiError(
      'WEB_ERR_RECORDINGS_UNAVAILABLE',
      response.status === 404
        ? 'This gateway does not serve recordings (recording.page is off).'
        : `The gateway answered ${response.status}.`,
    );
  }
  return response;
}

export async function listRecordings(token: string, search: RecordingSearch): Promise<RecordingInfo[]> {
  const query = searchQuery(search);
  const response = await call(`/api/recordings${query ? `?${query}` : ''}`, token);
  const body = (await response.json()) as { recordings?: RecordingInfo[] };
  return body.recordings ?? [];
}

/** The .cast file's text. */
export async function fetchCast(token: string, id: string): Promise<string> {
  const response = await call(`/api/recordings/${encodeURIComponent(id)}/cast`, token);
  return response.text();
}

/** The sessions in a GET /api/sessions body; malformed entries are left out. */
export function parseLiveSessions(body: unknown): LiveSessionInfo[] {
  const list = (body as { sessions?: unknown } | null)?.sessions;
  if (!Array.isArray(list)) return [];
  const sessions: LiveSessionInfo[] = [];
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { sessionId, target, user, clientIp, startedAt, state, recorded } = entry as Record<
      string,
      unknown
    >;
    if (typeof sessionId !== 'string' || sessionId === '' || typeof target !== 'string') continue;
    sessions.push({
      sessionId,
      target,
      user: typeof user === 'string' ? user : 'anonymous',
      clientIp: typeof clientIp === 'string' ? clientIp : '',
      startedAt: typeof startedAt === 'string' ? startedAt : '',
      state: state === 'detached' ? 'detached' : 'attached',
      recorded: recorded === true,
    });
  }
  return sessions;
}

/**
 * The sessions open now, to watch live; `undefined` when this token may not list them (no `watch`
 * grant) or the gateway has no such list (no token auth).
 */
export async function listLiveSessions(
  token: string,
  fetchFn: typeof fetch = fetch,
): Promise<LiveSessionInfo[] | undefined> {
  let response: Response;
  try {
    response = await fetchFn('/api/sessions', {
      headers: { authorization: `Bearer ${token}` },
      cache: 'no-store',
    });
  } catch {
    throw new RecordingsApiError('WEB_ERR_RECORDINGS_UNAVAILABLE', 'The gateway cannot be reached.');
  }
  if (response.status === 401 || response.status === 403 || response.status === 404) return undefined;
  if (!response.ok) {
    throw new RecordingsApiError(
      'WEB_ERR_RECORDINGS_UNAVAILABLE',
      `The gateway answered ${response.status}.`,
    );
  }
  return parseLiveSessions(await response.json());
}

/**
 * The operator grants a token claims (`telgate.grants`), read without checking its signature: only to
 * choose what the page asks for (a token without `watch` is not sent to GET /api/sessions, which would
 * refuse it); the gateway checks the token on every call. Anything unreadable claims none.
 */
export function claimedGrants(token: string): string[] {
  const payload = token.split('.')[1];
  if (!payload) return [];
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    const grants = (JSON.parse(json) as Record<string, unknown> | null)?.['telgate.grants'];
    return Array.isArray(grants) ? grants.filter((g): g is string => typeof g === 'string') : [];
  } catch {
    return [];
  }
}
