import { createReadStream } from 'node:fs';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TokenVerifier } from '../auth/token.js';
import type { RecordingStore } from '../recording/store.js';
import { requireGrant } from './sessions-api.js';

const RECORDING_ID = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

interface ListQuery {
  target?: string;
  user?: string;
  from?: string;
  to?: string;
  text?: string;
  limit?: number;
}

const listQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    target: { type: 'string', minLength: 1, maxLength: 300 },
    user: { type: 'string', minLength: 1, maxLength: 300 },
    // ISO 8601 times (or dates).
    from: { type: 'string', minLength: 1, maxLength: 40 },
    to: { type: 'string', minLength: 1, maxLength: 40 },
    text: { type: 'string', minLength: 1, maxLength: 200 },
    limit: { type: 'integer', minimum: 1, maximum: 500 },
    token: { type: 'string' },
  },
} as const;

const idParamsSchema = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'string', pattern: RECORDING_ID } },
} as const;

/** A time in a query: an ISO 8601 date or time; GW_ERR_BAD_REQUEST otherwise. */
function parseTime(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const time = Date.parse(text);
  if (Number.isNaN(time))
    throw Object.assign(new Error(`${name} is not an ISO 8601 time`), { statusCode: 400 });
  return time;
}

/**
 * The recordings API for operators, served only when `recording.page` is on: tokens need the
 * `recordings` grant (`telgate.grants`), presented as `Authorization: Bearer …` (or `?token=`).
 * - GET /api/recordings?target=&user=&from=&to=&text=&limit=: recordings, newest first;
 * - GET /api/recordings/:id: one recording's information;
 * - GET /api/recordings/:id/cast: the asciicast v2 file (`?download=1` as an attachment).
 */
export const recordingsApi: FastifyPluginAsync<{ store: RecordingStore; verifier: TokenVerifier }> = async (
  app,
  { store, verifier },
) => {
  const operatorOnly = requireGrant(verifier, 'recordings');

  const noStore = async (_request: FastifyRequest, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store');
  };

  app.get<{ Querystring: ListQuery }>(
    '/api/recordings',
    { schema: { querystring: listQuerySchema }, onRequest: noStore, preHandler: operatorOnly },
    async (request) => {
      const { target, user, text, limit } = request.query;
      const from = parseTime(request.query.from, 'from');
      const to = parseTime(request.query.to, 'to');
      const recordings = await store.search({
        ...(target !== undefined && { target }),
        ...(user !== undefined && { user }),
        ...(text !== undefined && { text }),
        ...(from !== undefined && { from }),
        ...(to !== undefined && { to }),
        ...(limit !== undefined && { limit }),
      });
      return { recordings };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/recordings/:id',
    { schema: { params: idParamsSchema }, onRequest: noStore, preHandler: operatorOnly },
    async (request, reply) => {
      const info = await store.info(request.params.id);
      if (!info) return reply.code(404).send({ error: 'No such recording', code: 'GW_ERR_NOT_FOUND' });
      return info;
    },
  );

  app.get<{ Params: { id: string }; Querystring: { download?: string; token?: string } }>(
    '/api/recordings/:id/cast',
    {
      schema: {
        params: idParamsSchema,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { download: { enum: ['0', '1'] }, token: { type: 'string' } },
        },
      },
      onRequest: noStore,
      preHandler: operatorOnly,
    },
    async (request, reply) => {
      const { id } = request.params;
      const info = await store.info(id);
      if (!info) return reply.code(404).send({ error: 'No such recording', code: 'GW_ERR_NOT_FOUND' });
      reply.type('application/x-asciicast; charset=utf-8');
      if (request.query.download === '1') {
        reply.header('content-disposition', `attachment; filename="${id}.cast"`);
      }
      return reply.send(createReadStream(store.castPath(id)));
    },
  );
};
