import { promises as dns } from 'node:dns';
import type { TerminalMode } from '@telgate/protocol';
import { settleSettings } from '../config/normalize.js';
import type { AllowRule, FreeFormConfig, TargetConfig } from '../config/types.js';
import { GatewayError } from '../errors.js';
import { charsetProblem } from '../relay/charset.js';
import { type HostName, hostPortId, parseHost } from './host.js';
import { cidrContains, cidrWithin, embeddedIpv4, formatIp, parseIp, specialBlockOf } from './ip.js';
import { portAllowed } from './ports.js';

/** What a browser asked to connect to: a configured target's id, or a host and port (free-form). */
export interface TargetRequest {
  readonly target?: string | undefined;
  readonly host?: string | undefined;
  readonly port?: string | undefined;
  /** The charset the user chose for this session, over the target's. */
  readonly charset?: string | undefined;
}

/** A target chosen and its settings fixed, before DNS. */
export interface DialPlan {
  readonly target: TargetConfig;
  readonly host: HostName;
  /** Free-form plans carry the allow-list their resolved addresses must pass; configured ones are trusted. */
  readonly allow?: readonly AllowRule[];
}

/** The one address to connect to, already checked: dial exactly this, never the name again. */
export interface DialAddress {
  readonly address: string;
  readonly family: 4 | 6;
  readonly port: number;
}

export interface LookupAddress {
  readonly address: string;
  readonly family: number;
}

/** Resolves a host name to all its addresses, in the resolver's order. */
export type LookupAll = (hostname: string) => Promise<readonly LookupAddress[]>;

export const systemLookup: LookupAll = (hostname) => dns.lookup(hostname, { all: true, order: 'verbatim' });

export interface TargetCatalog {
  readonly targets: readonly TargetConfig[];
  readonly freeForm: FreeFormConfig;
}

const DEFAULT_TELNET_PORT = 23;

function hostRuleMatches(rule: string, host: HostName): boolean {
  if (host.kind !== 'name') return false;
  return rule.startsWith('*.') ? host.text.endsWith(rule.slice(1)) : host.text === rule;
}

function planFreeForm(catalog: TargetCatalog, hostText: string, portText: string | undefined): DialPlan {
  const { freeForm } = catalog;
  if (!freeForm.enabled) throw new GatewayError('GW_ERR_TARGET_DENIED', 'free-form targets are disabled');
  const host = parseHost(hostText);
  if (!host)
    throw new GatewayError('GW_ERR_TARGET_DENIED', `"${hostText}" is not a valid host name or IP address`);
  const port =
    portText === undefined ? DEFAULT_TELNET_PORT : /^\d{1,5}$/.test(portText) ? Number(portText) : 0;
  if (port < 1 || port > 65535) throw new GatewayError('GW_ERR_TARGET_DENIED', `"${portText}" is not a port`);
  const id = hostPortId(host, port);
  // Rules that could still admit this target once its addresses are known; none means no DNS is needed.
  const candidates = freeForm.allow.filter(
    (rule) =>
      portAllowed(rule.ports, port) &&
      (rule.kind === 'cidr'
        ? host.kind === 'name' || cidrContains(rule.cidr, host.address.value)
        : hostRuleMatches(rule.host, host)),
  );
  if (candidates.length === 0)
    throw new GatewayError('GW_ERR_TARGET_DENIED', `${id} is not in freeForm.allow`);
  const target: TargetConfig = {
    ...settleSettings(freeForm.defaults, port),
    id,
    label: id,
    host: host.text,
    port,
  };
  return { target, host, allow: freeForm.allow };
}

/**
 * Picks the target a request names. Throws GW_ERR_UNKNOWN_TARGET for an id that is not configured (or a
 * request naming nothing), and GW_ERR_TARGET_DENIED for a free-form target the allow-list cannot admit.
 */
export function planTarget(catalog: TargetCatalog, request: TargetRequest): DialPlan {
  const plan = planTargetOnly(catalog, request);
  const { charset } = request;
  if (charset === undefined) return plan;
  const problem = charsetProblem(charset);
  if (problem) throw new GatewayError('GW_ERR_BAD_CHARSET', problem);
  return { ...plan, target: { ...plan.target, charset } };
}

function planTargetOnly(catalog: TargetCatalog, request: TargetRequest): DialPlan {
  if (request.target !== undefined && request.host !== undefined) {
    throw new GatewayError('GW_ERR_UNKNOWN_TARGET', 'the request names both a target and a host');
  }
  if (request.host !== undefined) return planFreeForm(catalog, request.host, request.port);
  if (request.target === undefined)
    throw new GatewayError('GW_ERR_UNKNOWN_TARGET', 'the request names no target');
  const target = catalog.targets.find((t) => t.id === request.target);
  if (!target) throw new GatewayError('GW_ERR_UNKNOWN_TARGET', `no target "${request.target}" is configured`);
  const host = parseHost(target.host);
  if (!host) throw new GatewayError('GW_ERR_INTERNAL', `target "${target.id}" has an invalid host`);
  return { target, host };
}

export type AddressVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: string };

/**
 * Whether a free-form target may be dialled at `address`, one of the addresses its name resolved to.
 *
 * The address must be admitted by a rule for this port: a `cidr` rule holding it, or a `host` rule
 * naming the host asked for. Special-purpose space (loopback, private, link-local and cloud metadata,
 * CGNAT…, also when written as IPv4-mapped, NAT64 or 6to4 IPv6) is further refused unless a `cidr` rule
 * lies inside that special block: `10.1.0.0/16` opens those addresses, `0.0.0.0/0` opens none of them.
 */
export function checkAddress(address: string, plan: DialPlan, allow: readonly AllowRule[]): AddressVerdict {
  const { host, target } = plan;
  const ip = parseIp(address);
  if (!ip)
    return { allowed: false, reason: `the resolver returned "${address}", which is not an IP address` };
  const rules = allow.filter((rule) => portAllowed(rule.ports, target.port));
  const admitted = rules.some((rule) =>
    rule.kind === 'cidr' ? cidrContains(rule.cidr, ip.value) : hostRuleMatches(rule.host, host),
  );
  const shown = formatIp(ip.value);
  if (!admitted) return { allowed: false, reason: `${target.id} (${shown}) is not in freeForm.allow` };

  const embedded = embeddedIpv4(ip.value);
  for (const value of embedded === undefined ? [ip.value] : [ip.value, embedded]) {
    const special = specialBlockOf(value);
    if (!special) continue;
    const opened = rules.some(
      (rule) => rule.kind === 'cidr' && cidrContains(rule.cidr, value) && cidrWithin(rule.cidr, special.cidr),
    );
    if (!opened) {
      const via = value === ip.value ? '' : ` (it leads to ${formatIp(value)})`;
      return {
        allowed: false,
        reason: `${target.id} resolved to ${shown}${via}, which is ${special.kind} address space (${special.cidr.text}); only a freeForm.allow cidr inside that block opens it`,
      };
    }
  }
  return { allowed: true };
}

export interface ResolveOptions {
  readonly lookup: LookupAll;
  /** Deadline for the DNS lookup, waiting for a free lookup slot included. */
  readonly timeoutMs: number;
  /** Bounds the lookups running at once; unbounded without one. */
  readonly limiter?: LookupLimiter;
}

/**
 * Bounds the DNS lookups running at once. The system resolver runs each lookup on one of libuv's few
 * threads (4 by default, shared with file access) and a deadline cannot cancel it, so a slow DNS
 * server could otherwise tie up every thread. A lookup holds its slot until it really ends, past its
 * deadline if need be; one that finds no free slot waits, and gives up with GW_ERR_OVERLOADED if its
 * deadline passes first.
 */
export class LookupLimiter {
  #active = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(readonly max: number) {}

  /** Lookups running now. */
  get active(): number {
    return this.#active;
  }

  run<T>(lookup: () => Promise<T>, signal: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        signal.removeEventListener('abort', giveUp);
        this.#active++;
        new Promise<T>((settle) => settle(lookup())).then(resolve, reject).finally(() => {
          this.#active--;
          this.#waiting.shift()?.();
        });
      };
      const giveUp = () => {
        const index = this.#waiting.indexOf(start);
        if (index !== -1) this.#waiting.splice(index, 1);
        reject(
          new GatewayError(
            'GW_ERR_OVERLOADED',
            `${this.max} DNS lookups are already running (limits.maxConcurrentLookups)`,
          ),
        );
      };
      if (this.#active < this.max) {
        start();
      } else {
        this.#waiting.push(start);
        signal.addEventListener('abort', giveUp, { once: true });
      }
    });
  }
}

async function lookupWithDeadline(
  name: string,
  { lookup, timeoutMs, limiter }: ResolveOptions,
): Promise<readonly LookupAddress[]> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new AbortController();
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // A lookup still waiting for a slot gives up first, with GW_ERR_OVERLOADED.
      expired.abort();
      reject(new GatewayError('GW_ERR_DNS_FAILURE', `looking up ${name} took longer than ${timeoutMs} ms`));
    }, timeoutMs);
  });
  const running = limiter ? limiter.run(() => lookup(name), expired.signal) : lookup(name);
  // Whatever happens to a lookup after its deadline is nobody's concern.
  running.catch(() => {});
  try {
    return await Promise.race([running, deadline]);
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new GatewayError('GW_ERR_DNS_FAILURE', `looking up ${name} failed: ${code}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolves a plan's host and returns the address to connect to. For free-form targets every address is
 * checked (`checkAddress`) and the first allowed one is returned; the caller must connect to exactly
 * that address, so a name that resolves differently a moment later (DNS rebinding) changes nothing.
 * Throws GW_ERR_DNS_FAILURE or GW_ERR_TARGET_DENIED.
 */
export async function resolveAndCheck(plan: DialPlan, options: ResolveOptions): Promise<DialAddress> {
  const { host, target } = plan;
  const found: readonly LookupAddress[] =
    host.kind === 'ip'
      ? [{ address: host.text, family: host.address.family }]
      : await lookupWithDeadline(host.text, options);
  if (found.length === 0) throw new GatewayError('GW_ERR_DNS_FAILURE', `${host.text} has no addresses`);

  let firstRefusal: string | undefined;
  for (const { address } of found) {
    const ip = parseIp(address);
    if (!ip) {
      firstRefusal ??= `the resolver returned "${address}", which is not an IP address`;
      continue;
    }
    if (plan.allow) {
      const verdict = checkAddress(address, plan, plan.allow);
      if (!verdict.allowed) {
        firstRefusal ??= verdict.reason;
        continue;
      }
    }
    // IPv4-mapped answers are dialled as plain IPv4, which is what they mean.
    return { address: formatIp(ip.value), family: ip.family, port: target.port };
  }
  throw new GatewayError('GW_ERR_TARGET_DENIED', firstRefusal ?? `${target.id} has no usable address`);
}

/** What anyone may know about the configured targets (GET /api/targets). */
export interface PublicTarget {
  readonly id: string;
  readonly label: string;
  readonly host: string;
  readonly port: number;
  readonly charset: string;
  /** Left out for `normal`. */
  readonly terminalMode?: TerminalMode;
}

export function publicTargets(catalog: TargetCatalog): PublicTarget[] {
  return catalog.targets.map(({ id, label, host, port, charset, terminalMode }) => ({
    id,
    label,
    host,
    port,
    charset,
    ...(terminalMode === 'normal' ? {} : { terminalMode }),
  }));
}
