import type { LiveSessionInfo } from '@telgate/protocol';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { OperatorGrant, TokenVerifier } from '../auth/token.js';
import type { RecordingStore } from '../recording/store.js';
import type { SessionRegistry } from '../sessions/registry.js';
import type { ResumableSessions } from '../sessions/resumable.js';
import { presentedToken } from './targets-api.js';

/**
 * Answers 401 without a valid token and 403 without `grant` (`{"code": "GW_ERR_AUTH_FAILED"}` both);
 * lets the request through otherwise.
 */
export function requireGrant(verifier: TokenVerifier, grant: OperatorGrant) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    let detail: string;
    try {
      const granted = await verifier.authenticate(presentedToken(request));
      if (granted?.grants.includes(grant)) return;
      detail = `the token has no "${grant}" grant`;
    } catch (error) {
      detail = (error as Error).message;
      request.log.info(
        { code: 'GW_ERR_AUTH_FAILED', detail, path: request.routeOptions.url },
        'operator API refused',
      );
      return reply.code(401).header('www-authenticate', 'Bearer').send({
        error: 'This needs an operator token.',
        code: 'GW_ERR_AUTH_FAILED',
      });
    }
    request.log.info(
      { code: 'GW_ERR_AUTH_FAILED', detail, path: request.routeOptions.url },
      'operator API refused',
    );
    return reply
      .code(403)
      .send({ error: `This token does not have the "${grant}" grant.`, code: 'GW_ERR_AUTH_FAILED' });
  };
}

export interface SessionsApiOptions {
  readonly verifier: TokenVerifier;
  readonly sessions: SessionRegistry;
  readonly resumable: ResumableSessions;
  readonly recordings: RecordingStore | undefined;
}

/**
 * GET /api/sessions: the sessions open now, attached or detached, for tokens with the `watch` grant
 * (served with token auth only).
 */
export const sessionsApi: FastifyPluginAsync<SessionsApiOptions> = async (
  app,
  { verifier, sessions, resumable, recordings },
) => {
  app.get(
    '/api/sessions',
    {
      onRequest: async (_request, reply) => {
        reply.header('cache-control', 'no-store');
      },
      preHandler: requireGrant(verifier, 'watch'),
    },
    async () => {
      const detached = resumable.detachedIds();
      const list: LiveSessionInfo[] = sessions
        .list()
        .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())
        .map((record) => ({
          sessionId: record.sessionId,
          target: record.targetId,
          user: record.user ?? 'anonymous',
          clientIp: record.clientIp,
          startedAt: record.startedAt.toISOString(),
          state: detached.has(record.sessionId) ? 'detached' : 'attached',
          recorded: recordings?.isLive(record.sessionId) ?? false,
        }));
      return { sessions: list };
    },
  );
};
