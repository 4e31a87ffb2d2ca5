import { GATEWAY_ID_PATTERN, RESUME_CREDENTIAL_PATTERN, type ResumeInfo } from '@telgate/protocol';
import type { ConnectTarget } from './socket';

/**
 * Where a tab keeps the way back into its session: sessionStorage (per tab, kept across a reload, gone
 * with the tab), one entry per target holding only the latest credential, since each resume replaces it.
 */
export interface ResumeStore {
  load(target: ConnectTarget): ResumeInfo | undefined;
  save(target: ConnectTarget, info: ResumeInfo): void;
  clear(target: ConnectTarget): void;
}

const KEY_PREFIX = 'telgate.resume:';

/** The storage key for a target: `telgate.resume:target:demo`, `telgate.resume:host:bbs.example.org:23`. */
export function resumeKey(target: ConnectTarget): string {
  return target.kind === 'target'
    ? `${KEY_PREFIX}target:${target.id}`
    : `${KEY_PREFIX}host:${target.host}:${target.port ?? 23}`;
}

/** Reads a stored entry; anything malformed (an old page, a hand edit) counts as nothing stored. */
export function parseResumeInfo(text: string | null): ResumeInfo | undefined {
  if (text === null) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { credential, graceSeconds, gateway } = value as Record<string, unknown>;
  if (typeof credential !== 'string' || !RESUME_CREDENTIAL_PATTERN.test(credential)) return undefined;
  if (typeof graceSeconds !== 'number' || !Number.isInteger(graceSeconds) || graceSeconds < 1)
    return undefined;
  // A gateway id that does not look like one is dropped: the resume then goes wherever the proxy sends it.
  const validGateway = typeof gateway === 'string' && GATEWAY_ID_PATTERN.test(gateway) ? gateway : undefined;
  return { credential, graceSeconds, ...(validGateway !== undefined && { gateway: validGateway }) };
}

/** A store on `storage` (sessionStorage); without one, or where it throws, nothing is kept. */
export function resumeStore(storage: Storage | undefined): ResumeStore {
  const attempt = <T>(work: (storage: Storage) => T): T | undefined => {
    if (!storage) return undefined;
    try {
      return work(storage);
    } catch {
      return undefined; // full, or forbidden in this privacy mode: the session just is not resumable
    }
  };
  return {
    load: (target) => attempt((s) => parseResumeInfo(s.getItem(resumeKey(target)))),
    save: (target, info) =>
      attempt((s) =>
        s.setItem(
          resumeKey(target),
          JSON.stringify({
            credential: info.credential,
            graceSeconds: info.graceSeconds,
            ...(info.gateway !== undefined && { gateway: info.gateway }),
          }),
        ),
      ),
    clear: (target) => attempt((s) => s.removeItem(resumeKey(target))),
  };
}
