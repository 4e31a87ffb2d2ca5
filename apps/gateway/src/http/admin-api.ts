import type { FastifyPluginAsync } from 'fastify';
import type { TokenVerifier } from '../auth/token.js';
import type { ClusterServices } from '../cluster/services.js';
import type { SessionRegistry } from '../sessions/registry.js';
import { drainResponse, errorResponse } from './response-schemas.js';
import { requireGrant } from './sessions-api.js';

/** The longest drain the admin call asks for: a day. */
export const MAX_DRAIN_SECONDS = 86_400;
/** The drain an admin call without `seconds` asks for when `cluster.drainSeconds` is 0. */
export const DEFAULT_ADMIN_DRAIN_SECONDS = 300;

export interface AdminApiOptions {
  readonly verifier: TokenVerifier;
  readonly sessions: SessionRegistry;
  readonly cluster: ClusterServices;
  /** `cluster.drainSeconds`: the drain asked for when the call names none (unless 0). */
  readonly drainSeconds: number;
  /**
   * Starts draining with sessions ended `durationMs` from now, or brings a running drain's deadline
   * forward; the process exits once the gateway has stopped. False when the gateway already stops.
   */
  readonly requestDrain: (durationMs: number) => boolean;
}

/**
 * POST /api/admin/drain `{"seconds": N}`: drains the gateway as SIGTERM does with `cluster.drainSeconds`
 * (new sessions refused, /healthz 503, sessions warned and kept until they end or the deadline, then
 * the process exits 0), for tokens with the `admin` grant (served with token auth only). Answers 202
 * with the deadline. A later call may bring the deadline forward (`seconds: 0` ends the sessions now),
 * never push it back.
 */
export const adminApi: FastifyPluginAsync<AdminApiOptions> = async (
  app,
  { verifier, sessions, cluster, drainSeconds, requestDrain },
) => {
  app.post(
    '/api/admin/drain',
    {
      onRequest: async (_request, reply) => {
        reply.header('cache-control', 'no-store');
      },
      preHandler: requireGrant(verifier, 'admin'),
      schema: {
        body: {
          type: ['object', 'null'],
          // Not additionalProperties: Fastify would strip a misspelt field and drain for the default.
          propertyNames: { enum: ['seconds'] },
          properties: { seconds: { type: 'integer', minimum: 0, maximum: MAX_DRAIN_SECONDS } },
        },
        response: {
          202: drainResponse,
          400: errorResponse,
          401: errorResponse,
          403: errorResponse,
          409: errorResponse,
        },
      },
    },
    async (request, reply) => {
      const body = request.body as { seconds?: number } | null | undefined;
      const seconds = body?.seconds ?? (drainSeconds > 0 ? drainSeconds : DEFAULT_ADMIN_DRAIN_SECONDS);
      const accepted = requestDrain(seconds * 1000);
      const deadline = cluster.drain.deadline;
      if (!accepted || deadline === undefined) {
        return reply
          .code(409)
          .send({ error: 'The gateway is already shutting down.', code: 'GW_ERR_SHUTDOWN' });
      }
      request.log.info(
        { seconds, deadline: deadline.toISOString(), sessions: sessions.openSessions },
        'drain asked for by an admin call',
      );
      return reply.code(202).send({
        status: 'draining',
        deadline: deadline.toISOString(),
        sessions: sessions.openSessions,
        ...(cluster.gatewayId !== undefined && { gateway: cluster.gatewayId }),
      });
    },
  );
};
