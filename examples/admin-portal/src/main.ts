#!/usr/bin/env node
/**
 * Runs the example portal: TELGATE_URL (the gateway as browsers reach it, default http://127.0.0.1:8080),
 * TELGATE_SECRET (the gateway's HS256 secret; leave unset for a gateway with auth none),
 * PORTAL_PORT (default 8090), PORTAL_HOST (default 127.0.0.1), PORTAL_USER (default portal-admin),
 * PORTAL_TOKEN_TTL (the tokens' lifetime in seconds, default 60), PORTAL_RECORDINGS=1 (a link to the
 * gateway's recordings page, which needs TELGATE_SECRET and `recording.page: true` on the gateway),
 * PORTAL_WATCH=1 ("Watch this session" beside the open console, which needs TELGATE_SECRET).
 */
import { startPortal } from './server.js';

const env = process.env;
const port = Number(env.PORTAL_PORT ?? 8090);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`portal: PORTAL_PORT must be a port number, got ${JSON.stringify(env.PORTAL_PORT)}\n`);
  process.exit(2);
}
const ttl = env.PORTAL_TOKEN_TTL === undefined ? undefined : Number(env.PORTAL_TOKEN_TTL);
if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1 || ttl > 3600)) {
  process.stderr.write(
    `portal: PORTAL_TOKEN_TTL must be seconds from 1 to 3600, got ${JSON.stringify(env.PORTAL_TOKEN_TTL)}\n`,
  );
  process.exit(2);
}
try {
  const portal = await startPortal({
    gatewayUrl: env.TELGATE_URL ?? 'http://127.0.0.1:8080',
    ...(env.TELGATE_SECRET ? { secret: env.TELGATE_SECRET } : {}),
    ...(env.PORTAL_USER ? { user: env.PORTAL_USER } : {}),
    ...(ttl !== undefined ? { tokenTtlSeconds: ttl } : {}),
    ...(env.PORTAL_RECORDINGS === '1' ? { recordings: true } : {}),
    ...(env.PORTAL_WATCH === '1' ? { watch: true } : {}),
    host: env.PORTAL_HOST ?? '127.0.0.1',
    port,
  });
  process.stdout.write(`portal: listening on ${portal.url}\n`);
  const stop = () => void portal.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  process.stderr.write(`portal: ${(error as Error).message}\n`);
  process.exit(1);
}
