/**
 * The one origin normaliser, shared by the gateway (WebSocket Origin check, `allowedOrigins` and
 * `embed.allowedOrigins` in its configuration) and the page (which parent frame it talks to).
 *
 * It accepts an origin only: a scheme, a host and a port, with at most a trailing `/`. A path, a
 * query, a fragment or userinfo is refused rather than dropped, so that an operator who writes
 * `https://portal.example/admin` in an allow-list learns that it is not an origin instead of allowing
 * the whole site. A page that holds a full URL (a referrer) takes its origin first (`originOfUrl`).
 */

/** An http(s) origin in the form browsers send it (`https://example.org:8443`), or undefined. */
export function normalizeOrigin(text: string): string | undefined {
  const url = parseUrl(text);
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) return undefined;
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') return undefined;
  return url.origin;
}

/** The normalised origin of an http(s) URL with any path and query (a referrer), or undefined. */
export function originOfUrl(text: string): string | undefined {
  const url = parseUrl(text);
  if (url === undefined || url.username || url.password) return undefined;
  return normalizeOrigin(url.origin);
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
