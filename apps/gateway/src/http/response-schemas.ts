/**
 * Response schemas of the gateway's JSON routes. Fastify serialises each answer through its schema, so a
 * field the schema does not name never leaves the gateway; the tests check every answer against these.
 */
import { KIOSK_SETTINGS, KIOSK_TOOLBAR_ITEMS, TERMINAL_MODES } from '@telgate/protocol';
import { AUTH_MODES } from '../config/schema.js';

const strict = <P extends Record<string, unknown>>(properties: P, required: readonly (keyof P & string)[]) =>
  ({ type: 'object', additionalProperties: false, properties, required }) as const;

/** Every error answer: what went wrong, and a `GW_ERR_…` code where one applies. */
export const errorResponse = strict({ error: { type: 'string' }, code: { type: 'string' } }, ['error']);

/** GET /healthz. */
export const healthResponse = strict(
  {
    status: { enum: ['ok', 'draining'] },
    sessions: { type: 'integer', minimum: 0 },
    gateway: { type: 'string' },
    redis: { enum: ['up', 'down'] },
    deadline: { type: 'string' },
  },
  ['status', 'sessions'],
);

/** One target as the page sees it (`TargetInfo` of @telgate/protocol). */
const targetInfo = strict(
  {
    id: { type: 'string' },
    label: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    charset: { type: 'string' },
    terminalMode: { enum: TERMINAL_MODES },
  },
  ['id', 'label', 'host', 'port', 'charset'],
);

/** GET /api/targets. */
export const targetsResponse = strict(
  {
    targets: { type: 'array', items: targetInfo },
    freeForm: strict({ enabled: { type: 'boolean' } }, ['enabled']),
    auth: strict({ mode: { enum: [...AUTH_MODES] } }, ['mode']),
  },
  ['targets', 'freeForm', 'auth'],
);

/** GET /api/config. */
export const pageConfigResponse = strict(
  {
    embedAllowedOrigins: { type: 'array', items: { type: 'string' } },
    kiosk: strict(
      {
        toolbar: { type: 'array', items: { enum: KIOSK_TOOLBAR_ITEMS } },
        settings: { type: 'array', items: { enum: KIOSK_SETTINGS } },
      },
      ['toolbar', 'settings'],
    ),
  },
  ['embedAllowedOrigins'],
);

/** POST /api/admin/drain: the gateway drains until `deadline`, with `sessions` open now. */
export const drainResponse = strict(
  {
    status: { enum: ['draining'] },
    deadline: { type: 'string' },
    sessions: { type: 'integer', minimum: 0 },
    gateway: { type: 'string' },
  },
  ['status', 'deadline', 'sessions'],
);
