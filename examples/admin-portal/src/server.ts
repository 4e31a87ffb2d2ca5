/**
 * An admin portal that embeds telgate: it lists the gateway's targets and, for the one picked, renders
 * an iframe of `/embed` with a short-lived token it signs itself — the secret never reaches the browser.
 * Its page script (`portal.ts`) drives the terminal through the postMessage API and logs its events,
 * and when the terminal says its token was refused (`telgate:token-expired`) it fetches a fresh one
 * from `GET /token?device=ID`, minted here, and hands it over (`telgate:token`).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SignJWT } from 'jose';

export interface PortalOptions {
  /** Where browsers reach the gateway, e.g. `https://gw.example` (no trailing path). */
  readonly gatewayUrl: string;
  /** The gateway's HS256 secret (`security.auth.hs256Secret`); without it no token is sent (auth none). */
  readonly secret?: string;
  /** The portal user the tokens are issued to (`sub`). */
  readonly user?: string;
  /** Token lifetime: the iframe must connect within it. */
  readonly tokenTtlSeconds?: number;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** The page script to serve; the compiled `portal.js` beside this module unless given. */
  readonly scriptFile?: string;
  /**
   * Offer a "Recordings" link: the gateway's recordings page (`recording.page: true` there), opened with
   * an operator token (the `recordings` grant) minted here. Needs `secret`.
   */
  readonly recordings?: boolean;
  /**
   * Offer "Watch this session" beside the open console: the gateway's read-only observer page for the
   * session, opened with a token for that device with the `watch` grant, minted here. Needs `secret`.
   * The Recordings link's token gets the `watch` grant too, so that page lists the live sessions.
   */
  readonly watch?: boolean;
}

export interface Portal {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

interface Target {
  readonly id: string;
  readonly label: string;
  readonly host: string;
  readonly port: number;
}

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The origin (scheme, host, port) of the gateway URL; throws on anything but http(s). */
export function gatewayOrigin(gatewayUrl: string): string {
  const url = new URL(gatewayUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`the gateway URL must be http(s), got ${JSON.stringify(gatewayUrl)}`);
  }
  return url.origin;
}

/** A token the gateway accepts for `target`: `sub` = portal user, `tgt` = target id, short `exp`. */
export async function mintEmbedToken(secret: string, target: string, user: string, ttlSeconds: number) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ tgt: target })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}

/**
 * An operator token for the gateway's recordings page: `tgt` `*` and the `recordings` grant (and `watch`,
 * to list the live sessions there with a Watch link each).
 */
export async function mintRecordingsToken(secret: string, user: string, ttlSeconds: number, watch = false) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ tgt: '*', 'telgate.grants': watch ? ['recordings', 'watch'] : ['recordings'] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}

/** A token that watches live sessions of `target` read-only: the `watch` grant, for that target only. */
export async function mintWatchToken(secret: string, target: string, user: string, ttlSeconds: number) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ tgt: target, 'telgate.grants': ['watch'] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}

/** The gateway's targets; with a secret, asked with a token for `*`, which lists them all and opens none. */
async function fetchTargets(origin: string, secret: string | undefined, user: string): Promise<Target[]> {
  const headers: Record<string, string> = secret
    ? { authorization: `Bearer ${await mintEmbedToken(secret, '*', user, 60)}` }
    : {};
  const response = await fetch(`${origin}/api/targets`, { headers, signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`the gateway answered ${response.status} for /api/targets`);
  const body = (await response.json()) as { targets?: unknown };
  if (!Array.isArray(body.targets)) throw new Error('the gateway sent no target list');
  return body.targets.filter(
    (t): t is Target =>
      typeof t === 'object' && t !== null && typeof t.id === 'string' && typeof t.label === 'string',
  );
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { margin: 0; font: 14px system-ui, sans-serif; display: grid; grid-template-columns: 220px 1fr; height: 100vh; }
  nav { background: #1f2937; color: #e5e7eb; padding: 12px; overflow: auto; }
  nav h1 { font-size: 16px; margin: 0 0 12px; }
  nav a { display: block; color: inherit; padding: 6px 8px; border-radius: 4px; text-decoration: none; }
  nav a[aria-current] { background: #374151; }
  main { display: grid; grid-template-rows: auto 1fr auto; min-height: 0; padding: 12px; gap: 8px; }
  .controls { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; }
  iframe { width: 100%; height: 100%; border: 1px solid #d1d5db; border-radius: 4px; }
  ol { margin: 0; max-height: 140px; overflow: auto; font: 12px ui-monospace, monospace; background: #f3f4f6; padding: 8px 8px 8px 32px; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function send(res: ServerResponse, status: number, type: string, body: string, csp?: string) {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...(csp ? { 'content-security-policy': csp } : {}),
  });
  res.end(body);
}

export async function startPortal(options: PortalOptions): Promise<Portal> {
  const origin = gatewayOrigin(options.gatewayUrl);
  const user = options.user ?? 'portal-admin';
  const ttl = options.tokenTtlSeconds ?? 60;
  const scriptFile = options.scriptFile ?? join(import.meta.dirname, 'portal.js');
  const script = await readFile(scriptFile, 'utf8').catch(() => {
    throw new Error(`${scriptFile} is missing: build the portal first (npm run portal builds and starts it)`);
  });
  const recordingsLink = options.recordings === true && options.secret !== undefined;
  const watchLink = options.watch === true && options.secret !== undefined;
  const csp = `default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; frame-src ${origin}; base-uri 'none'; form-action 'none'`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://portal.invalid');
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'text/plain', 'method not allowed\n');
    if (url.pathname === '/portal.js') return send(res, 200, 'text/javascript; charset=utf-8', script);
    if (url.pathname === '/token') return sendToken(url.searchParams.get('device'), res);
    if (url.pathname === '/recordings' && recordingsLink) {
      // A real portal checks here that its user is an operator.
      const recordings = new URL('/recordings', origin);
      recordings.searchParams.set(
        'token',
        await mintRecordingsToken(options.secret as string, user, ttl, watchLink),
      );
      res.writeHead(302, { location: recordings.href, 'cache-control': 'no-store' });
      return void res.end();
    }
    if (url.pathname === '/watch' && watchLink) return watchSession(url.searchParams, res);
    if (url.pathname !== '/') return send(res, 404, 'text/plain', 'not found\n');

    let targets: Target[];
    try {
      targets = await fetchTargets(origin, options.secret, user);
    } catch (error) {
      const message = `The gateway at ${origin} cannot be reached: ${(error as Error).message}`;
      return send(
        res,
        502,
        'text/html; charset=utf-8',
        page('Admin portal', `<p>${escapeHtml(message)}</p>`),
        csp,
      );
    }
    const chosen = url.searchParams.get('device');
    // The terminal's theme is set here, so the page script knows it and its toggle flips it.
    const theme = url.searchParams.get('theme') === 'light' ? 'light' : 'dark';
    const target = targets.find((t) => t.id === chosen);
    if (chosen !== null && !target) {
      const message = `There is no device "${chosen}".`;
      return send(
        res,
        404,
        'text/html; charset=utf-8',
        page('Admin portal', `<p>${escapeHtml(message)}</p>`),
        csp,
      );
    }
    const nav = targets
      .map((t) => {
        const current = t.id === target?.id ? ' aria-current="page"' : '';
        const href = `/?device=${encodeURIComponent(t.id)}`;
        return `<a href="${escapeHtml(href)}"${current} data-device="${escapeHtml(t.id)}">${escapeHtml(t.label)}</a>`;
      })
      .join('\n');
    let main = '<main><p>Pick a device to open its console.</p></main>';
    if (target) {
      const embed = new URL('/embed', origin);
      embed.searchParams.set('target', target.id);
      if (options.secret)
        embed.searchParams.set('token', await mintEmbedToken(options.secret, target.id, user, ttl));
      embed.searchParams.set('bar', '1');
      embed.searchParams.set('theme', theme);
      // Pass-through of the terminal's own display option.
      const renderer = url.searchParams.get('renderer');
      if (renderer) embed.searchParams.set('renderer', renderer);
      main = `<main>
<div class="controls">
  <strong>${escapeHtml(target.label)}</strong>
  <button type="button" id="logout">Log out</button>
  <button type="button" id="disconnect">Disconnect</button>
  <button type="button" id="reconnect">Reconnect</button>
  <input id="command" placeholder="command to send" aria-label="command to send">
  <button type="button" id="send">Send</button>
  <button type="button" id="theme">Toggle theme</button>${
    watchLink
      ? '\n  <a id="watch" hidden target="_blank" rel="noopener" data-watch>Watch this session</a>'
      : ''
  }
</div>
<iframe id="console" title="Console of ${escapeHtml(target.label)}" src="${escapeHtml(embed.href)}" data-gateway-origin="${escapeHtml(origin)}" data-device="${escapeHtml(target.id)}" data-theme="${theme}" allow="clipboard-read; clipboard-write; fullscreen"></iframe>
<ol id="events" aria-label="Terminal events"></ol>
</main>`;
    }
    const operator = recordingsLink ? '\n<a href="/recordings" data-recordings>Recordings</a>' : '';
    const body = `<nav><h1>Admin portal</h1>\n${nav}${operator}\n</nav>\n${main}\n<script type="module" src="/portal.js"></script>`;
    send(res, 200, 'text/html; charset=utf-8', page('Admin portal', body), csp);
  }

  /**
   * GET /token?device=ID: a fresh token for the page script, when the terminal's was refused. A real
   * portal checks its own session (cookie) here; the response is readable only by its own pages.
   */
  async function sendToken(device: string | null, res: ServerResponse): Promise<void> {
    if (!options.secret)
      return send(res, 404, 'application/json', '{"error":"this portal sends no tokens"}\n');
    const targets = await fetchTargets(origin, options.secret, user);
    if (!targets.some((t) => t.id === device))
      return send(res, 404, 'application/json', '{"error":"there is no such device"}\n');
    const token = await mintEmbedToken(options.secret, device as string, user, ttl);
    send(res, 200, 'application/json', `${JSON.stringify({ token })}\n`);
  }

  /**
   * GET /watch?device=ID&session=SID: the gateway's read-only page for that live session, with a token
   * that may watch that device's sessions only. A real portal checks here that its user may watch.
   */
  async function watchSession(params: URLSearchParams, res: ServerResponse) {
    const device = params.get('device');
    const session = params.get('session');
    if (!session || session.length > 200)
      return send(res, 400, 'text/plain', 'which session? /watch?device=ID&session=SESSION_ID\n');
    const targets = await fetchTargets(origin, options.secret, user);
    if (!targets.some((t) => t.id === device))
      return send(res, 404, 'text/plain', 'there is no such device\n');
    const watch = new URL('/', origin);
    watch.searchParams.set('watch', session);
    watch.searchParams.set(
      'token',
      await mintWatchToken(options.secret as string, device as string, user, ttl),
    );
    // Pass-through of the terminal's own display option.
    const renderer = params.get('renderer');
    if (renderer) watch.searchParams.set('renderer', renderer);
    res.writeHead(302, { location: watch.href, 'cache-control': 'no-store' });
    res.end();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', `internal error: ${(error as Error).message}\n`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8090, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
