import type { FastifyPluginAsync } from 'fastify';
import type { GatewayConfig } from '../config/types.js';
import { publicTargets } from '../targets/policy.js';
import { normalizeOrigin } from './origin.js';

/** GET /api/targets: what the terminal page offers: the configured targets, free-form, auth mode. */
export const targetsApi: FastifyPluginAsync<{ config: GatewayConfig }> = async (app, { config }) => {
  const body = {
    targets: publicTargets(config),
    freeForm: { enabled: config.freeForm.enabled },
    auth: { mode: config.security.auth.mode },
  };
  app.get('/api/targets', async () => body);

  // GET /api/config: what the page needs to know about the gateway. The embed page trusts postMessage
  // commands only from these parent origins: the exact http(s) origins the gateway lets frame it.
  const clientConfig = { embedAllowedOrigins: embedOrigins(config.security.frameAncestors) };
  app.get('/api/config', async () => clientConfig);
};

/** The exact http(s) origins among CSP frame-ancestors sources (keywords and wildcards are left out). */
export function embedOrigins(frameAncestors: readonly string[]): string[] {
  return frameAncestors
    .filter((source) => !source.includes('*'))
    .map(normalizeOrigin)
    .filter((origin): origin is string => origin !== undefined);
}
