/**
 * JSON Schema for the configuration file, as written by people (every key optional unless a target
 * needs it), built with TypeBox so that the shape the code reads (`RawConfig`) is derived from it and
 * cannot drift. Shapes and ranges live here; checks that need code (charsets, CIDRs, port ranges, keys,
 * option names) run afterwards in `normalize.ts`, which also fills in defaults.
 *
 * Every schema here is plain JSON Schema, validated by Ajv (`load.ts`), whose error keywords the loader
 * turns into messages: word lists are `enum`s and values of several kinds are `type` lists (not
 * `anyOf`), so that each mistake gets one message.
 */

import {
  type Static,
  type TObject,
  type TOptional,
  type TProperties,
  type TSchema,
  Type,
} from '@sinclair/typebox';
import { BACKSPACE_KEYS, KIOSK_SETTINGS, KIOSK_TOOLBAR_ITEMS, TERMINAL_MODES } from '@telgate/protocol';
import { EOL_MODES, type StartMode } from '@telgate/telnet-core';

const integer = (minimum: number, maximum: number) => Type.Integer({ minimum, maximum });
const nonEmptyString = (maxLength: number) => Type.String({ minLength: 1, maxLength });
const boolean = () => Type.Boolean();
const SECONDS_PER_WEEK = 7 * 24 * 3600;

/** One word of a list, as a JSON Schema `enum`. */
const oneOf = <const T extends readonly string[]>(words: T) => Type.Unsafe<T[number]>({ enum: [...words] });

/** A value of any of several JSON types, typed as `T`; `schema` holds the keywords for those types. */
const severalTypes = <T>(types: readonly string[], schema: Record<string, unknown> = {}) =>
  Type.Unsafe<T>({ type: [...types], ...schema });

type Mapped<P extends TProperties, R extends keyof P> = {
  [K in keyof P]: K extends R ? P[K] : TOptional<P[K]>;
};

/** A mapping of these keys and no others, each optional unless listed in `required`. */
function mapping<P extends TProperties, R extends keyof P & string = never>(
  properties: P,
  required: readonly R[] = [],
): TObject<Mapped<P, R>> {
  const keys: Record<string, TSchema> = {};
  for (const [key, schema] of Object.entries(properties)) {
    keys[key] = (required as readonly string[]).includes(key) ? schema : Type.Optional(schema);
  }
  return Type.Object(keys as Mapped<P, R>, { additionalProperties: false });
}

/** How the gateway authenticates a page: not at all, or by a signed token. */
export const AUTH_MODES = ['none', 'token'] as const;

const targetSettings = {
  charset: nonEmptyString(40),
  terminalTypes: Type.Array(Type.String({ pattern: '^[\\x21-\\x7e]{1,40}$' }), { minItems: 1, maxItems: 16 }),
  eol: oneOf(EOL_MODES),
  backspace: oneOf(BACKSPACE_KEYS),
  negotiation: oneOf(['active', 'passive', 'auto'] satisfies (StartMode | 'auto')[]),
  // Keys are option names (`NAWS`) and values a support level or { local, remote }: checked in code.
  options: Type.Unsafe<Record<string, unknown>>({ type: 'object' }),
  idleTimeoutSeconds: integer(0, SECONDS_PER_WEEK),
  protocol: oneOf(['telnet', 'raw', 'supdup']),
  interruptFlush: oneOf(['ao', 'timing-mark', 'both', 'none']),
  synchOnInterrupt: boolean(),
  output: oneOf(['responsive', 'lossless']),
  resume: mapping({ graceSeconds: integer(0, 24 * 3600) }),
  terminal: mapping({ mode: oneOf(TERMINAL_MODES) }),
};

const autoLogin = mapping({
  username: nonEmptyString(256),
  // Discouraged: a password written here is in the file; passwordFile or passwordEnv keep it out.
  password: nonEmptyString(1024),
  passwordFile: nonEmptyString(4096),
  passwordEnv: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,127}$' }),
  // Regular expressions, checked in code.
  usernamePrompt: nonEmptyString(500),
  passwordPrompt: nonEmptyString(500),
  shellPrompt: nonEmptyString(500),
  timeoutMs: integer(500, 300_000),
  fromToken: boolean(),
});

const target = mapping(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }),
    label: nonEmptyString(100),
    host: nonEmptyString(253),
    // May be left out for SUPDUP (95): checked in code.
    port: integer(1, 65535),
    ...targetSettings,
    autoLogin,
  },
  ['id', 'host'],
);

export const configSchema = mapping({
  listen: mapping({
    host: nonEmptyString(253),
    port: integer(0, 65535),
  }),
  targets: Type.Array(target),
  freeForm: mapping({
    enabled: boolean(),
    allow: Type.Array(
      mapping({
        cidr: nonEmptyString(64),
        host: nonEmptyString(253),
        // `23`, `'23, 2323'`, `'1-65535'` or a list of those: parsed in code.
        ports: severalTypes<string | number | unknown[]>(['string', 'integer', 'array']),
      }),
    ),
    defaults: mapping(targetSettings),
  }),
  security: mapping({
    allowedOrigins: Type.Array(nonEmptyString(300)),
    frameAncestors: Type.Array(nonEmptyString(300)),
    publicHosts: Type.Array(nonEmptyString(255)),
    serveSourceMaps: boolean(),
    // false, a hop count, or proxy addresses; `true` is refused in code, with what to write instead.
    trustProxy: severalTypes<boolean | number | string[]>(['boolean', 'integer', 'array'], {
      minimum: 0,
      maximum: 100,
      items: nonEmptyString(64),
    }),
    auth: mapping({
      mode: oneOf(AUTH_MODES),
      hs256Secret: Type.String(),
      eddsaPublicKey: severalTypes<string | Record<string, unknown>>(['string', 'object']),
      issuer: nonEmptyString(300),
      audience: nonEmptyString(300),
      forceNoneOnPublic: boolean(),
      maxTokenLifetimeSeconds: integer(10, SECONDS_PER_WEEK),
    }),
  }),
  limits: mapping({
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
  }),
  demo: mapping({
    enabled: boolean(),
    port: integer(0, 65535),
  }),
  kiosk: mapping(
    {
      target: Type.String({ minLength: 1, maxLength: 64 }),
      toolbar: Type.Array(oneOf(KIOSK_TOOLBAR_ITEMS), { uniqueItems: true }),
      settings: Type.Array(oneOf(KIOSK_SETTINGS), { uniqueItems: true }),
    },
    ['target'],
  ),
  logging: mapping({
    level: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  }),
  recording: mapping({
    targets: Type.Array(nonEmptyString(300), { maxItems: 1000 }),
    directory: nonEmptyString(4096),
    input: boolean(),
    maxQueueBytes: integer(4096, 256 * 1024 * 1024),
    maxAgeDays: integer(0, 100 * 365),
    maxTotalBytes: integer(0, Number.MAX_SAFE_INTEGER),
    page: boolean(),
  }),
  watch: mapping({
    announce: boolean(),
    maxObservers: integer(1, 100),
  }),
  audit: mapping({
    file: nonEmptyString(4096),
    stdout: boolean(),
  }),
  cluster: mapping({
    gatewayId: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$' }),
    redis: mapping(
      {
        url: Type.String({ pattern: '^rediss?://', maxLength: 2048 }),
        keyPrefix: Type.String({ pattern: '^[A-Za-z0-9:_.-]{0,64}$' }),
        commandTimeoutMs: integer(10, 60_000),
        whenUnavailable: oneOf(['local', 'refuse']),
        leaseSeconds: integer(3, 3600),
      },
      ['url'],
    ),
    drainSeconds: integer(0, SECONDS_PER_WEEK),
  }),
});

/** The shape `configSchema` accepts. */
export type RawConfig = Static<typeof configSchema>;
/** A target's settings as written (also `freeForm.defaults`). */
export type RawSettings = NonNullable<NonNullable<RawConfig['freeForm']>['defaults']>;
export type RawAutoLogin = Static<typeof autoLogin>;
