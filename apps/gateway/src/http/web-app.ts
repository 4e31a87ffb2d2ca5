import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { contentSecurityPolicy } from './security-headers.js';

/** Shown at / when the web app has not been built, so a fresh checkout explains itself. */
export const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>telgate</title></head>
<body>
<h1>telgate</h1>
<p>The gateway is running, but the web app is not built. Run <code>npm run build</code> and restart the gateway.</p>
</body>
</html>
`;

/**
 * Serves the built web app (apps/web/dist) when it exists. Vite puts content-hashed files under
 * assets/, which may be cached for good; everything else (index.html) is revalidated on each load.
 */
/** Query parameters a kiosk URL keeps: display choices only, never another target. */
const KIOSK_DISPLAY_PARAMS = ['theme', 'renderer'];

/**
 * The kiosk URL for `target`, keeping the display parameters of `requested`; undefined when `requested`
 * already is that URL (so it is served, not redirected again).
 */
export function kioskRedirect(requested: string, target: string): string | undefined {
  const url = new URL(requested, 'http://gateway.invalid');
  const wanted = new URLSearchParams({ target });
  for (const name of KIOSK_DISPLAY_PARAMS) {
    const value = url.searchParams.get(name);
    if (value !== null) wanted.set(name, value);
  }
  const location = `/kiosk?${wanted}`;
  return `${url.pathname}${url.search}` === location ? undefined : location;
}

export interface WebAppOptions {
  readonly root: string | undefined;
  /** Every page becomes this target's kiosk. */
  readonly kioskTarget?: string | undefined;
  /** Serve *.map files (the full sources); otherwise they are 404. */
  readonly serveSourceMaps?: boolean;
  /** Serve the recordings page at /recordings (its data comes from the operator-only API). */
  readonly recordingsPage?: boolean;
  /** CSP frame-ancestors, for pages that set their own policy. */
  readonly frameAncestors?: readonly string[];
}

/**
 * The recordings page's policy: the usual one, plus WebAssembly compilation (asciinema-player's
 * terminal emulator is WebAssembly). JavaScript eval stays forbidden.
 */
function recordingsPagePolicy(frameAncestors: readonly string[]): string {
  const directives = contentSecurityPolicy(frameAncestors);
  directives.scriptSrc = [...(directives.scriptSrc ?? []), "'wasm-unsafe-eval'"];
  return Object.entries(directives)
    .map(([name, values]) => `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${values.join(' ')}`)
    .join('; ');
}

export const webApp: FastifyPluginAsync<WebAppOptions> = async (
  app,
  { root, kioskTarget, serveSourceMaps = false, recordingsPage = false, frameAncestors = ["'self'"] },
) => {
  if (root !== undefined && existsSync(join(root, 'index.html'))) {
    await app.register(fastifyStatic, {
      root,
      cacheControl: false,
      // index.html is served by the page routes below, so a kiosk can pin every page.
      index: false,
      allowedPath: (path) => serveSourceMaps || !path.endsWith('.map'),
      setHeaders: (reply, path) => {
        const hashed = path.includes(`${sep}assets${sep}`);
        reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    // The page routes by path: the embedded terminal and the kiosk are the same app.
    for (const page of ['/', '/index.html', '/embed', '/kiosk']) {
      app.get(page, (request, reply) => {
        const location = kioskTarget === undefined ? undefined : kioskRedirect(request.url, kioskTarget);
        if (location !== undefined) return reply.header('cache-control', 'no-store').redirect(location, 302);
        return reply.header('cache-control', 'no-cache').sendFile('index.html');
      });
    }
    if (recordingsPage) {
      const policy = recordingsPagePolicy(frameAncestors);
      app.get('/recordings', (_request, reply) =>
        reply
          .header('cache-control', 'no-cache')
          .header('content-security-policy', policy)
          .sendFile('index.html'),
      );
    }
    return;
  }
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT_PAGE));
};
