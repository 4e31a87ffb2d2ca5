/**
 * The Origin check for WebSocket upgrades. Browsers let any page open a WebSocket to any host and send
 * the user's cookies along (cross-site WebSocket hijacking), so the gateway only accepts pages of its
 * own origin and of origins the operator lists.
 */

import { normalizeOrigin } from '@telgate/protocol';

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** `host:port` of an http(s) URL, with the scheme's default port written out. */
function authority(url: URL): string {
  return `${url.hostname}:${url.port || DEFAULT_PORTS[url.protocol]}`;
}

const HOST_HEADER = /^(?:[a-z0-9._-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

export interface OriginCheck {
  /** The Origin header, absent for clients that are not browsers (they cannot be hijacked). */
  readonly origin: string | undefined;
  /** The Host header the request was sent to. */
  readonly host: string | undefined;
  /** Normalized allowed origins from the configuration; `*` allows any. */
  readonly allowedOrigins: readonly string[];
}

export function isOriginAllowed({ origin, host, allowedOrigins }: OriginCheck): boolean {
  if (origin === undefined) return true;
  if (allowedOrigins.includes('*')) return true;
  const normalized = normalizeOrigin(origin);
  if (normalized === undefined) return false; // includes `null` (sandboxed frames, file: pages)
  if (allowedOrigins.includes(normalized)) return true;
  if (host === undefined || !HOST_HEADER.test(host)) return false;
  const originUrl = new URL(normalized);
  try {
    // The page's scheme stands in for ours: behind a TLS proxy the gateway itself only sees http.
    return authority(new URL(`${originUrl.protocol}//${host}`)) === authority(originUrl);
  } catch {
    return false; // e.g. a port above 65535
  }
}
