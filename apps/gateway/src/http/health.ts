import type { FastifyPluginAsync } from 'fastify';
import type { SessionRegistry } from '../sessions/registry.js';
import { healthResponse } from './response-schemas.js';

/** GET /healthz: 200 while the gateway serves, with the number of open sessions. */
export const healthRoute: FastifyPluginAsync<{ sessions: SessionRegistry }> = async (app, { sessions }) => {
  // Probes come every few seconds: keep them out of the request log.
  app.get('/healthz', { logLevel: 'warn', schema: { response: { 200: healthResponse } } }, async () => ({
    status: 'ok',
    sessions: sessions.openSessions,
  }));
};
