/** One recording as GET /api/recordings lists it. */
export interface RecordingInfo {
  readonly id: string;
  readonly target: string;
  readonly user: string;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  readonly bytesFromHost?: number;
  readonly bytesToHost?: number;
  readonly closeReason?: string;
  readonly castBytes: number;
  readonly complete: boolean;
  readonly incompleteReason?: string;
  readonly live?: boolean;
}

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
