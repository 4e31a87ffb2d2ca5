import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisConfig } from '../config/types.js';
import { GatewayError } from '../errors.js';

/**
 * Admits one session: counts a start against the client's starts this minute, then, if the client
 * has room, adds the session to the client's set. Entries carry their expiry (Redis's own clock, so
 * the gateways' clocks do not matter): a gateway renews its own, and a dead gateway's expire.
 *
 * KEYS: client's sessions (sorted set), client's starts this minute, session entry (hash), directory.
 * ARGV: sessionId, leaseMs, maxPerClient, maxStartsPerMinute, gateway, target, user, client.
 * Returns {0, open} admitted, {1, starts} too many starts, {2, open} too many sessions.
 */
const ADMIT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[2])
local starts = redis.call('INCR', KEYS[2])
if starts == 1 then redis.call('PEXPIRE', KEYS[2], 60000) end
if starts > tonumber(ARGV[4]) then return {1, starts} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local open = redis.call('ZCARD', KEYS[1])
if open >= tonumber(ARGV[3]) then return {2, open} end
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
redis.call('PEXPIRE', KEYS[1], lease)
redis.call('HSET', KEYS[3], 'gateway', ARGV[5], 'target', ARGV[6], 'user', ARGV[7], 'client', ARGV[8], 'state', 'live')
redis.call('PEXPIRE', KEYS[3], lease)
redis.call('ZADD', KEYS[4], now + lease, ARGV[1])
return {0, open + 1}
`;

/**
 * Renews one session's entries (and writes them again after Redis lost them).
 * KEYS: client's sessions, session entry, directory. ARGV: sessionId, leaseMs, gateway, target, user,
 * client, state.
 */
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
redis.call('PEXPIRE', KEYS[1], lease)
redis.call('HSET', KEYS[2], 'gateway', ARGV[3], 'target', ARGV[4], 'user', ARGV[5], 'client', ARGV[6], 'state', ARGV[7])
redis.call('PEXPIRE', KEYS[2], lease)
redis.call('ZADD', KEYS[3], now + lease, ARGV[1])
return 1
`;

/** The directory's live members, expired ones dropped first. KEYS: directory. */
const DIRECTORY = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZRANGE', KEYS[1], 0, -1)
`;

interface TelgateRedis extends Redis {
  telgateAdmit(...args: Array<string | number>): Promise<[number, number]>;
  telgateRenew(...args: Array<string | number>): Promise<number>;
  telgateDirectory(key: string): Promise<string[]>;
}

/** A session as Redis knows it. */
export interface SharedSession {
  readonly sessionId: string;
  /** The client key (IPv4 address, or IPv6 /64) its limits count against. */
  readonly clientKey: string;
  readonly targetId: string;
  readonly user: string | undefined;
}

/** One session in the directory: which gateway holds it, and whether a browser is attached. */
export interface DirectoryEntry {
  readonly sessionId: string;
  readonly gateway: string;
  readonly target: string;
  readonly user: string | undefined;
  readonly client: string;
  readonly state: 'live' | 'detached';
}

export interface SharedLimitsOptions {
  readonly redis: RedisConfig;
  readonly gatewayId: string;
  readonly log: Logger;
  /** Redis became reachable again (after start-up or an outage): the gateway renews its entries. */
  readonly onReady?: () => void;
  /** A new session was admitted under local limits only, or refused, because Redis failed. */
  readonly onUnavailable?: (decision: 'local' | 'refused') => void;
}

/** How the shared limits decided: `shared` checked in Redis, `local` Redis failed and local limits apply. */
export type Admission = 'shared' | 'local';

/**
 * The state the gateways behind one proxy share, in Redis: each client's open sessions and session
 * starts this minute (so per-client limits hold across gateways), and the session directory (which
 * gateway holds which session). Nothing a running session does needs Redis: only admitting a new one.
 * Commands never queue while Redis is away and never wait past `commandTimeoutMs`.
 */
export class SharedLimits {
  readonly #redis: TelgateRedis;
  readonly #config: RedisConfig;
  readonly #gatewayId: string;
  readonly #log: Logger;
  readonly #options: SharedLimitsOptions;
  #reachable = false;
  #closed = false;

  constructor(options: SharedLimitsOptions) {
    const { redis: config, gatewayId, log } = options;
    this.#options = options;
    this.#config = config;
    this.#gatewayId = gatewayId;
    this.#log = log;
    const redis = new Redis(config.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: config.commandTimeoutMs,
      connectTimeout: Math.max(1000, config.commandTimeoutMs * 4),
      // Try again for ever, at most every 2 s: the gateway keeps serving meanwhile.
      retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
    }) as TelgateRedis;
    redis.defineCommand('telgateAdmit', { numberOfKeys: 4, lua: ADMIT });
    redis.defineCommand('telgateRenew', { numberOfKeys: 3, lua: RENEW });
    redis.defineCommand('telgateDirectory', { numberOfKeys: 1, lua: DIRECTORY });
    redis.on('ready', () => {
      this.#reachable = true;
      this.#log.info('Redis is reachable: per-client limits are shared with the other gateways');
      this.#options.onReady?.();
    });
    redis.on('error', (error: Error) => {
      if (this.#reachable || this.#closed) return;
      this.#log.debug({ err: error }, 'Redis connection attempt failed');
    });
    redis.on('close', () => {
      if (!this.#reachable || this.#closed) return;
      this.#reachable = false;
      this.#log.warn(
        { whenUnavailable: config.whenUnavailable },
        'Redis is unreachable: held sessions go on; new sessions follow cluster.redis.whenUnavailable',
      );
    });
    this.#redis = redis;
    redis.connect().catch((error: unknown) => {
      this.#log.warn({ err: error }, 'Redis is unreachable at start-up; connecting again in the background');
    });
  }

  /** Whether Redis answers now. */
  get reachable(): boolean {
    return this.#reachable;
  }

  #key(...parts: string[]): string {
    return `${this.#config.keyPrefix}${parts.join(':')}`;
  }

  #sessionKeys(session: SharedSession): { client: string; entry: string; directory: string } {
    return {
      client: this.#key('client', session.clientKey, 'sessions'),
      entry: this.#key('session', session.sessionId),
      directory: this.#key('directory'),
    };
  }

  /**
   * Admits a new session against the limits shared by every gateway, or throws GW_ERR_OVERLOADED. With
   * Redis unreachable: `local` (this gateway's own limits, already checked, are all that apply) or
   * GW_ERR_LIMITS_OFFLINE, as cluster.redis.whenUnavailable says.
   */
  async admit(
    session: SharedSession,
    limits: { readonly maxSessionsPerIp: number; readonly connectAttemptsPerMinutePerIp: number },
  ): Promise<Admission> {
    const keys = this.#sessionKeys(session);
    let answer: [number, number];
    try {
      answer = await this.#redis.telgateAdmit(
        keys.client,
        this.#key('client', session.clientKey, 'starts'),
        keys.entry,
        keys.directory,
        session.sessionId,
        this.#config.leaseSeconds * 1000,
        limits.maxSessionsPerIp,
        limits.connectAttemptsPerMinutePerIp,
        this.#gatewayId,
        session.targetId,
        session.user ?? '',
        session.clientKey,
      );
    } catch (error) {
      if (this.#config.whenUnavailable === 'refuse') {
        this.#options.onUnavailable?.('refused');
        throw new GatewayError(
          'GW_ERR_LIMITS_OFFLINE',
          `Redis did not answer (${(error as Error).message}); cluster.redis.whenUnavailable is refuse`,
        );
      }
      this.#options.onUnavailable?.('local');
      this.#log.warn(
        { err: error, sessionId: session.sessionId },
        'Redis did not answer: session admitted under this gateway’s limits only',
      );
      return 'local';
    }
    const [verdict, count] = answer;
    if (verdict === 1) {
      throw new GatewayError(
        'GW_ERR_OVERLOADED',
        `${session.clientKey} started ${count} sessions this minute across the gateways, more than ${limits.connectAttemptsPerMinutePerIp}`,
      );
    }
    if (verdict === 2) {
      throw new GatewayError(
        'GW_ERR_OVERLOADED',
        `${session.clientKey} has ${count} sessions across the gateways, the per-client limit`,
      );
    }
    return 'shared';
  }

  /** The session ended: its entries go (a failure leaves them to expire with their lease). */
  release(session: SharedSession): void {
    if (this.#closed || !this.#reachable) return;
    const keys = this.#sessionKeys(session);
    this.#redis
      .multi()
      .zrem(keys.client, session.sessionId)
      .del(keys.entry)
      .zrem(keys.directory, session.sessionId)
      .exec()
      .catch((error: unknown) =>
        this.#log.debug({ err: error }, 'Redis did not take a session’s end; its entries expire instead'),
      );
  }

  /** Renews the entries of every session this gateway holds (writing them again if Redis lost them). */
  async renew(sessions: ReadonlyArray<SharedSession & { readonly detached: boolean }>): Promise<void> {
    if (this.#closed || !this.#reachable || sessions.length === 0) return;
    const pipeline = this.#redis.pipeline();
    const lease = this.#config.leaseSeconds * 1000;
    for (const session of sessions) {
      const keys = this.#sessionKeys(session);
      (pipeline as unknown as TelgateRedis).telgateRenew(
        keys.client,
        keys.entry,
        keys.directory,
        session.sessionId,
        lease,
        this.#gatewayId,
        session.targetId,
        session.user ?? '',
        session.clientKey,
        session.detached ? 'detached' : 'live',
      );
    }
    try {
      await pipeline.exec();
    } catch (error) {
      this.#log.debug({ err: error }, 'Redis did not take the renewal; trying again next time');
    }
  }

  /** Every session of every gateway, from the directory. */
  async directory(): Promise<DirectoryEntry[]> {
    const ids = await this.#redis.telgateDirectory(this.#key('directory'));
    if (ids.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.#key('session', id));
    const results = (await pipeline.exec()) ?? [];
    const entries: DirectoryEntry[] = [];
    ids.forEach((sessionId, index) => {
      const fields = results[index]?.[1] as Record<string, string> | undefined;
      if (!fields?.gateway) return;
      entries.push({
        sessionId,
        gateway: fields.gateway,
        target: fields.target ?? '',
        user: fields.user ? fields.user : undefined,
        client: fields.client ?? '',
        state: fields.state === 'detached' ? 'detached' : 'live',
      });
    });
    return entries;
  }

  /** Disconnects; nothing is written after this. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#redis.disconnect(false);
  }
}
