/**
 * JSON Schema for the configuration file, as written by people (every key optional unless a target
 * needs it). Shapes and ranges live here; checks that need code (charsets, CIDRs, port ranges, keys,
 * option names) run afterwards in `normalize.ts`, which also fills in defaults.
 */

import { BACKSPACE_KEYS, type BackspaceKey, TERMINAL_MODES, type TerminalMode } from '@telgate/protocol';
import { EOL_MODES, type EolMode } from '@telgate/telnet-core';
import { KIOSK_SETTINGS, KIOSK_TOOLBAR_ITEMS, type KioskSetting, type KioskToolbarItem } from './types.js';

const integer = (minimum: number, maximum: number) => ({ type: 'integer', minimum, maximum }) as const;
const nonEmptyString = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;
const SECONDS_PER_WEEK = 7 * 24 * 3600;

const targetSettings = {
  charset: nonEmptyString(40),
  terminalTypes: {
    type: 'array',
    minItems: 1,
    maxItems: 16,
    items: { type: 'string', pattern: '^[\\x21-\\x7e]{1,40}$' },
  },
  eol: { enum: EOL_MODES },
  backspace: { enum: BACKSPACE_KEYS },
  negotiation: { enum: ['active', 'passive', 'auto'] },
  // Keys are option names (`NAWS`) and values a support level or { local, remote }: checked in code.
  options: { type: 'object' },
  idleTimeoutSeconds: integer(0, SECONDS_PER_WEEK),
  protocol: { enum: ['telnet', 'raw', 'supdup'] },
  interruptFlush: { enum: ['ao', 'timing-mark', 'both', 'none'] },
  synchOnInterrupt: { type: 'boolean' },
  output: { enum: ['responsive', 'lossless'] },
  resume: {
    type: 'object',
    additionalProperties: false,
    properties: { graceSeconds: integer(0, 24 * 3600) },
  },
  terminal: {
    type: 'object',
    additionalProperties: false,
    properties: { mode: { enum: TERMINAL_MODES } },
  },
} as const;

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    listen: {
      type: 'object',
      additionalProperties: false,
      properties: {
        host: nonEmptyString(253),
        port: integer(0, 65535),
      },
    },
    targets: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        // `port` may be left out for SUPDUP (95): checked in code.
        required: ['id', 'host'],
        properties: {
          id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' },
          label: nonEmptyString(100),
          host: nonEmptyString(253),
          port: integer(1, 65535),
          ...targetSettings,
          autoLogin: {
            type: 'object',
            additionalProperties: false,
            properties: {
              username: nonEmptyString(256),
              // Discouraged: a password written here is in the file; passwordFile or passwordEnv keep it out.
              password: nonEmptyString(1024),
              passwordFile: nonEmptyString(4096),
              passwordEnv: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,127}$' },
              // Regular expressions, checked in code.
              usernamePrompt: nonEmptyString(500),
              passwordPrompt: nonEmptyString(500),
              shellPrompt: nonEmptyString(500),
              timeoutMs: integer(500, 300_000),
              fromToken: { type: 'boolean' },
            },
          },
        },
      },
    },
    freeForm: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        allow: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            properties: {
              cidr: nonEmptyString(64),
              host: nonEmptyString(253),
              // `23`, `'23, 2323'`, `'1-65535'` or a list of those: parsed in code.
              ports: { type: ['string', 'integer', 'array'] },
            },
          },
        },
        defaults: {
          type: 'object',
          additionalProperties: false,
          properties: targetSettings,
        },
      },
    },
    security: {
      type: 'object',
      additionalProperties: false,
      properties: {
        allowedOrigins: { type: 'array', items: nonEmptyString(300) },
        frameAncestors: { type: 'array', items: nonEmptyString(300) },
        publicHosts: { type: 'array', items: nonEmptyString(255) },
        serveSourceMaps: { type: 'boolean' },
        // false, a hop count, or proxy addresses; `true` is refused in code, with what to write instead.
        trustProxy: {
          type: ['boolean', 'integer', 'array'],
          minimum: 0,
          maximum: 100,
          items: nonEmptyString(64),
        },
        auth: {
          type: 'object',
          additionalProperties: false,
          properties: {
            mode: { enum: ['none', 'token'] },
            hs256Secret: { type: 'string' },
            eddsaPublicKey: { type: ['string', 'object'] },
            issuer: nonEmptyString(300),
            audience: nonEmptyString(300),
            forceNoneOnPublic: { type: 'boolean' },
            maxTokenLifetimeSeconds: integer(10, SECONDS_PER_WEEK),
          },
        },
      },
    },
    limits: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxPayloadBytes: integer(1024, 16 * 1024 * 1024),
        maxSessions: integer(1, 100_000),
        maxSessionsPerIp: integer(1, 100_000),
        connectAttemptsPerMinutePerIp: integer(1, 100_000),
        handshakeTimeoutMs: integer(100, 120_000),
        dialTimeoutMs: integer(100, 120_000),
        maxConcurrentLookups: integer(1, 1000),
        idleTimeoutSeconds: integer(0, SECONDS_PER_WEEK),
        highWaterBytes: integer(1024, 256 * 1024 * 1024),
        lowWaterBytes: integer(0, 256 * 1024 * 1024),
        shutdownGraceMs: integer(0, 600_000),
        slowClientTimeoutMs: integer(100, 3_600_000),
        pingIntervalMs: integer(0, 3_600_000),
        pingTimeoutMs: integer(100, 3_600_000),
        heartbeatIntervalMs: integer(0, 600_000),
        maxDetachedSessions: integer(0, 100_000),
        maxScreenStateBytes: integer(0, 64 * 1024 * 1024 * 1024),
      },
    },
    demo: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        port: integer(0, 65535),
      },
    },
    kiosk: {
      type: 'object',
      additionalProperties: false,
      required: ['target'],
      properties: {
        target: { type: 'string', minLength: 1, maxLength: 64 },
        toolbar: { type: 'array', uniqueItems: true, items: { enum: [...KIOSK_TOOLBAR_ITEMS] } },
        settings: { type: 'array', uniqueItems: true, items: { enum: [...KIOSK_SETTINGS] } },
      },
    },
    logging: {
      type: 'object',
      additionalProperties: false,
      properties: {
        level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
      },
    },
    recording: {
      type: 'object',
      additionalProperties: false,
      properties: {
        targets: { type: 'array', maxItems: 1000, items: nonEmptyString(300) },
        directory: nonEmptyString(4096),
        input: { type: 'boolean' },
        maxQueueBytes: integer(4096, 256 * 1024 * 1024),
        maxAgeDays: integer(0, 100 * 365),
        maxTotalBytes: integer(0, Number.MAX_SAFE_INTEGER),
        page: { type: 'boolean' },
      },
    },
    watch: {
      type: 'object',
      additionalProperties: false,
      properties: {
        announce: { type: 'boolean' },
        maxObservers: integer(1, 100),
      },
    },
    audit: {
      type: 'object',
      additionalProperties: false,
      properties: {
        file: nonEmptyString(4096),
        stdout: { type: 'boolean' },
      },
    },
    cluster: {
      type: 'object',
      additionalProperties: false,
      properties: {
        gatewayId: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,31}$' },
        redis: {
          type: 'object',
          additionalProperties: false,
          required: ['url'],
          properties: {
            url: { type: 'string', pattern: '^rediss?://', maxLength: 2048 },
            keyPrefix: { type: 'string', pattern: '^[A-Za-z0-9:_.-]{0,64}$' },
            commandTimeoutMs: integer(10, 60_000),
            whenUnavailable: { enum: ['local', 'refuse'] },
            leaseSeconds: integer(3, 3600),
          },
        },
        drainSeconds: integer(0, SECONDS_PER_WEEK),
      },
    },
  },
} as const;

type Settings = {
  charset?: string;
  terminalTypes?: string[];
  eol?: EolMode;
  backspace?: BackspaceKey;
  negotiation?: 'active' | 'passive' | 'auto';
  options?: Record<string, unknown>;
  idleTimeoutSeconds?: number;
  protocol?: 'telnet' | 'raw' | 'supdup';
  interruptFlush?: 'ao' | 'timing-mark' | 'both' | 'none';
  synchOnInterrupt?: boolean;
  output?: 'responsive' | 'lossless';
  resume?: { graceSeconds?: number };
  terminal?: { mode?: TerminalMode };
};

export interface RawAutoLogin {
  username?: string;
  password?: string;
  passwordFile?: string;
  passwordEnv?: string;
  usernamePrompt?: string;
  passwordPrompt?: string;
  shellPrompt?: string;
  timeoutMs?: number;
  fromToken?: boolean;
}

/** The shape `configSchema` accepts. */
export interface RawConfig {
  listen?: { host?: string; port?: number };
  targets?: Array<
    Settings & { id: string; label?: string; host: string; port?: number; autoLogin?: RawAutoLogin }
  >;
  freeForm?: {
    enabled?: boolean;
    allow?: Array<{ cidr?: string; host?: string; ports?: string | number | unknown[] }>;
    defaults?: Settings;
  };
  security?: {
    allowedOrigins?: string[];
    frameAncestors?: string[];
    publicHosts?: string[];
    serveSourceMaps?: boolean;
    trustProxy?: boolean | number | string[];
    auth?: {
      mode?: 'none' | 'token';
      hs256Secret?: string;
      eddsaPublicKey?: string | Record<string, unknown>;
      issuer?: string;
      audience?: string;
      forceNoneOnPublic?: boolean;
      maxTokenLifetimeSeconds?: number;
    };
  };
  limits?: Partial<Record<keyof typeof configSchema.properties.limits.properties, number>>;
  demo?: { enabled?: boolean; port?: number };
  kiosk?: { target: string; toolbar?: KioskToolbarItem[]; settings?: KioskSetting[] };
  logging?: { level?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
  recording?: {
    targets?: string[];
    directory?: string;
    input?: boolean;
    maxQueueBytes?: number;
    maxAgeDays?: number;
    maxTotalBytes?: number;
    page?: boolean;
  };
  watch?: { announce?: boolean; maxObservers?: number };
  audit?: { file?: string; stdout?: boolean };
  cluster?: {
    gatewayId?: string;
    redis?: {
      url: string;
      keyPrefix?: string;
      commandTimeoutMs?: number;
      whenUnavailable?: 'local' | 'refuse';
      leaseSeconds?: number;
    };
    drainSeconds?: number;
  };
}
