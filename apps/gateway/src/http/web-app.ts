import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/** Shown at / when the web app has not been built, so a fresh checkout explains itself. */
export const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>telgate</title></head>
<body>
<h1>telgate</h1>
<p>The gateway is running, but the web app is not built. Run <code>pnpm build</code> and restart the gateway.</p>
</body>
</html>
`;

/**
 * Serves the built web app (apps/web/dist) when it exists. Vite puts content-hashed files under
 * assets/, which may be cached for good; everything else (index.html) is revalidated on each load.
 */
export const webApp: FastifyPluginAsync<{ root: string | undefined }> = async (app, { root }) => {
  if (root !== undefined && existsSync(join(root, 'index.html'))) {
    await app.register(fastifyStatic, {
      root,
      cacheControl: false,
      setHeaders: (reply, path) => {
        const hashed = path.includes(`${sep}assets${sep}`);
        reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    // The page routes by path: the embedded terminal and the kiosk are the same app.
    for (const page of ['/embed', '/kiosk']) {
      app.get(page, (_request, reply) => reply.header('cache-control', 'no-cache').sendFile('index.html'));
    }
    return;
  }
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT_PAGE));
};
