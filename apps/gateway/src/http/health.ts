import type { FastifyPluginAsync } from 'fastify';
import type { ClusterServices } from '../cluster/services.js';
import type { SessionRegistry } from '../sessions/registry.js';
import { healthResponse } from './response-schemas.js';

/**
 * GET /healthz: 200 `ok` while the gateway serves, with the number of open sessions (and, among
 * several gateways, its id and whether Redis answers); 503 `draining` once it drains, so that load
 * balancers send new sessions elsewhere.
 */
export const healthRoute: FastifyPluginAsync<{
  sessions: SessionRegistry;
  cluster: ClusterServices;
}> = async (app, { sessions, cluster }) => {
  // Probes come every few seconds: keep them out of the request log.
  app.get(
    '/healthz',
    { logLevel: 'warn', schema: { response: { 200: healthResponse, 503: healthResponse } } },
    async (_request, reply) => {
      const { drain, gatewayId, shared } = cluster;
      const about = {
        sessions: sessions.openSessions,
        ...(gatewayId !== undefined && { gateway: gatewayId }),
        ...(shared !== undefined && { redis: shared.reachable ? 'up' : 'down' }),
      };
      if (drain.draining) {
        return reply
          .code(503)
          .send({ status: 'draining', ...about, deadline: drain.deadline?.toISOString() });
      }
      return { status: 'ok', ...about };
    },
  );
};
