import { normalizeOrigin } from '@telgate/protocol';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ANY_TARGET, type Grant, type TokenVerifier } from '../auth/token.js';
import type { GatewayConfig } from '../config/types.js';
import { publicTargets } from '../targets/policy.js';
import { errorResponse, pageConfigResponse, targetsResponse } from './response-schemas.js';

/** GET /api/targets: what the terminal page offers: the configured targets, free-form, auth mode. */
export const targetsApi: FastifyPluginAsync<{ config: GatewayConfig; verifier: TokenVerifier }> = async (
  app,
  { config, verifier },
) => {
  const targets = publicTargets(config);
  const body = (granted: string | undefined) => ({
    targets:
      granted === undefined || granted === ANY_TARGET ? targets : targets.filter((t) => t.id === granted),
    freeForm: { enabled: config.freeForm.enabled },
    auth: { mode: config.security.auth.mode },
  });
  // With token auth, the list is for token holders: a token for one target lists that target, one for
  // `*` (minted for a portal's own server) lists them all.
  app.get(
    '/api/targets',
    { schema: { response: { 200: targetsResponse, 401: errorResponse } } },
    async (request, reply) => {
      let grant: Grant | undefined;
      try {
        grant = await verifier.authenticate(presentedToken(request));
      } catch (error) {
        request.log.info(
          { code: 'GW_ERR_AUTH_FAILED', detail: (error as Error).message },
          'target list refused',
        );
        return reply.code(401).header('www-authenticate', 'Bearer').send({
          error: 'This gateway lists its targets only to holders of an access token.',
          code: 'GW_ERR_AUTH_FAILED',
        });
      }
      return body(grant?.target);
    },
  );

  // GET /api/config: what the page needs to know about the gateway. The embed page trusts postMessage
  // commands only from these parent origins: the exact http(s) origins the gateway lets frame it. A
  // kiosk's page shows only the toolbar items and settings its configuration lists.
  const clientConfig = {
    embedAllowedOrigins: embedOrigins(config.security.frameAncestors),
    ...(config.kiosk ? { kiosk: { toolbar: config.kiosk.toolbar, settings: config.kiosk.settings } } : {}),
  };
  app.get('/api/config', { schema: { response: { 200: pageConfigResponse } } }, async () => clientConfig);
};

/** The exact http(s) origins among CSP frame-ancestors sources (keywords and wildcards are left out). */
export function embedOrigins(frameAncestors: readonly string[]): string[] {
  return frameAncestors
    .filter((source) => !source.includes('*'))
    .map(normalizeOrigin)
    .filter((origin): origin is string => origin !== undefined);
}

/** The token of an API request: `Authorization: Bearer …`, or the `token` query parameter. */
function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const bearer = header === undefined ? undefined : /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (bearer !== undefined) return bearer;
  const query = (request.query ?? {}) as Record<string, unknown>;
  return typeof query.token === 'string' ? query.token : undefined;
}
