import type { FastifyInstance } from 'fastify';
import { parseHost } from '../targets/host.js';

/**
 * The Host check (DNS rebinding). A page on attacker.example whose name is made to resolve to the
 * gateway's address is, for the browser, same-origin with itself: its requests reach the gateway with
 * `Host: attacker.example` and an Origin to match. So the Host header must name the gateway: a
 * loopback name, an IP address (a rebinding page cannot make the browser send one: the browser always
 * sends the name from the page's URL), the listen host, or one of `security.publicHosts`.
 */

/** Names the gateway answers to without configuration. */
const LOOPBACK_NAMES = ['localhost'];

/** Paths probed by monitoring, which may address the gateway by any name. */
const UNCHECKED_PATHS = new Set(['/healthz', '/metrics']);

export const PUBLIC_HOSTS_SETTING = 'security.publicHosts';

/** The host name of a Host header (`name`, `name:port`, `[v6]:port`), lower case; undefined if malformed. */
export function hostOfHeader(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::\d{1,5})?$/i.exec(header.trim());
  if (!match) return undefined;
  const host = parseHost(match[1]!);
  return host === undefined ? undefined : host.kind === 'ip' ? `[${host.text}]` : host.text;
}

export interface HostCheck {
  /** The Host header of the request. */
  readonly host: string | undefined;
  /** Names from the configuration: `term.example.com`, or `*.example.com` for its subdomains. */
  readonly publicHosts: readonly string[];
  /** The configured listen host. */
  readonly listenHost: string;
}

export function isHostAllowed({ host, publicHosts, listenHost }: HostCheck): boolean {
  const name = hostOfHeader(host);
  if (name === undefined) return false;
  if (name.startsWith('[')) return true; // an IP address
  if (LOOPBACK_NAMES.includes(name)) return true;
  if (name === parseHost(listenHost)?.text) return true;
  return publicHosts.some((allowed) =>
    allowed.startsWith('*.') ? name.endsWith(allowed.slice(1)) : name === allowed,
  );
}

/**
 * Refuses, with 421 Misdirected Request, every request (the WebSocket upgrade included) whose Host
 * header does not name the gateway. Health probes and metric scrapes are left alone.
 */
export function addHostCheck(
  app: FastifyInstance,
  options: { publicHosts: readonly string[]; listenHost: string; onRefused?: () => void },
): void {
  app.addHook('onRequest', (request, reply, done) => {
    const path = request.url.split('?', 1)[0]!;
    const host = request.headers.host;
    if (UNCHECKED_PATHS.has(path) || isHostAllowed({ host, ...options })) {
      done();
      return;
    }
    options.onRefused?.();
    request.log.warn(
      { host },
      `request for host ${JSON.stringify(host ?? '')} refused: not a name of this gateway; if it is, add it to ${PUBLIC_HOSTS_SETTING}`,
    );
    reply.code(421).send({
      error: 'This gateway does not answer to that host name.',
      code: 'GW_ERR_HOST_NOT_ALLOWED',
    });
  });
}
