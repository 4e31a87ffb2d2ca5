import type { FastifyPluginAsync } from 'fastify';
import type { GatewayConfig } from '../config/types.js';
import { publicTargets } from '../targets/policy.js';

/** GET /api/targets: what the terminal page offers: the configured targets, free-form, auth mode. */
export const targetsApi: FastifyPluginAsync<{ config: GatewayConfig }> = async (app, { config }) => {
  const body = {
    targets: publicTargets(config),
    freeForm: { enabled: config.freeForm.enabled },
    auth: { mode: config.security.auth.mode },
  };
  app.get('/api/targets', async () => body);
};
