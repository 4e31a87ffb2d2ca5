import { readFileSync } from 'node:fs';
import { normalizeOrigin, type TerminalMode } from '@telgate/protocol';
import { type OptionPolicy, type OptionSupport, optionCode, type PolicyTable } from '@telgate/telnet-core';
import { authExposureProblem } from '../auth/exposure.js';
import { importEd25519PublicKey, MIN_HS256_SECRET_LENGTH } from '../auth/keys.js';
import { CP437_GLYPHS, charsetProblem, isCp437Glyphs } from '../relay/charset.js';
import { parseHost } from '../targets/host.js';
import { parseCidr } from '../targets/ip.js';
import { parsePorts } from '../targets/ports.js';
import {
  DEFAULT_AUDIT,
  DEFAULT_AUTO_LOGIN,
  DEFAULT_DEMO_PORT,
  DEFAULT_LIMITS,
  DEFAULT_LISTEN,
  DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  DEFAULT_RECORDING,
  DEFAULT_TARGET_SETTINGS,
  DEFAULT_WATCH,
  DEMO_SUPDUP_TARGET_ID,
  DEMO_TARGET_ID,
  demoTargets,
} from './defaults.js';
import type { RawAutoLogin, RawConfig, RawSettings } from './schema.js';
import { Secret } from './secret.js';
import type {
  AllowRule,
  AuthConfig,
  AutoLoginConfig,
  ClusterConfig,
  FreeFormDefaults,
  GatewayConfig,
  LimitsConfig,
  RecordingConfig,
  TargetConfig,
  TargetSettings,
} from './types.js';
import { KIOSK_SETTINGS, KIOSK_TOOLBAR_ITEMS } from './types.js';

/** The SUPDUP port (RFC 734: "the SUPDUP server listens on port 137 octal"). */
export const SUPDUP_PORT = 95;

export type ConfigPath = readonly (string | number)[];

/** Reports a problem with the value at `path` (or, with `at: 'key'`, with the key itself). */
export type ReportIssue = (path: ConfigPath, message: string, at?: 'key') => void;

const SUPPORT_LEVELS: readonly OptionSupport[] = ['refuse', 'accept', 'request'];

function normalizeOptions(raw: Record<string, unknown>, path: ConfigPath, report: ReportIssue): PolicyTable {
  const table: Record<number, Partial<OptionPolicy>> = {};
  const isSupport = (value: unknown): value is OptionSupport =>
    typeof value === 'string' && (SUPPORT_LEVELS as readonly string[]).includes(value);
  const expected = `must be one of ${SUPPORT_LEVELS.map((s) => `'${s}'`).join(', ')}, or { local, remote } with those values`;
  for (const [name, value] of Object.entries(raw)) {
    const code = optionCode(name);
    if (code === undefined) {
      report(
        [...path, name],
        `"${name}" is not a Telnet option name (e.g. NAWS, TTYPE, ECHO) or code 0-255`,
        'key',
      );
      continue;
    }
    if (isSupport(value)) {
      // One word sets both sides: `NAWS: refuse` means the option is never used.
      table[code] = { local: value, remote: value };
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const sides: Partial<OptionPolicy> = {};
      for (const [side, level] of Object.entries(value)) {
        if ((side === 'local' || side === 'remote') && isSupport(level)) sides[side] = level;
        else if (side === 'local' || side === 'remote') report([...path, name, side], expected);
        else report([...path, name, side], 'unknown key (allowed: local, remote)', 'key');
      }
      table[code] = sides;
    } else {
      report([...path, name], expected);
    }
  }
  return table;
}

function normalizeSettings(
  raw: RawSettings,
  base: FreeFormDefaults,
  path: ConfigPath,
  report: ReportIssue,
): FreeFormDefaults {
  const terminalMode = raw.terminal?.mode ?? base.terminalMode;
  if (raw.charset !== undefined) {
    const problem = charsetProblem(raw.charset);
    if (problem) report([...path, 'charset'], problem);
  }
  return {
    charset: bbsCharset(raw.charset, terminalMode) ?? raw.charset ?? base.charset,
    terminalMode,
    terminalTypes: raw.terminalTypes ?? base.terminalTypes,
    eol: raw.eol ?? base.eol,
    backspace: raw.backspace ?? base.backspace,
    negotiation: raw.negotiation ?? base.negotiation,
    options: raw.options ? normalizeOptions(raw.options, [...path, 'options'], report) : base.options,
    idleTimeoutSeconds: raw.idleTimeoutSeconds ?? base.idleTimeoutSeconds,
    protocol: raw.protocol ?? base.protocol,
    interruptFlush: raw.interruptFlush ?? base.interruptFlush,
    synchOnInterrupt: raw.synchOnInterrupt ?? base.synchOnInterrupt,
    output: raw.output ?? base.output,
    resume: { graceSeconds: raw.resume?.graceSeconds ?? base.resume.graceSeconds },
  };
}

/**
 * In BBS mode a CP437 host (CP437 is the default there) shows control bytes as the PC's glyphs: the
 * charset becomes CP437-glyphs. Any other charset is kept as written.
 */
function bbsCharset(charset: string | undefined, mode: TerminalMode): string | undefined {
  if (mode !== 'bbs') return undefined;
  if (charset === undefined || /^(cp|ibm)437$/i.test(charset) || isCp437Glyphs(charset)) return CP437_GLYPHS;
  return undefined;
}

/**
 * Settings for a concrete host and port: `auto` negotiation becomes active on port 23 (where a Telnet
 * server is expected) and passive elsewhere (where the service may not speak Telnet at all).
 */
export function settleSettings(
  settings: FreeFormDefaults,
  port: number,
): TargetSettings & { negotiation: TargetConfig['negotiation'] } {
  const negotiation =
    settings.negotiation === 'auto'
      ? port === 23 && settings.protocol === 'telnet'
        ? 'active'
        : 'passive'
      : settings.negotiation;
  return { ...settings, negotiation };
}

/** A prompt pattern: `/source/flags`, or a bare source matched case-insensitively. */
function parsePrompt(text: string, path: ConfigPath, report: ReportIssue): RegExp {
  const literal = /^\/(.+)\/([imsu]*)$/s.exec(text);
  try {
    return literal ? new RegExp(literal[1]!, literal[2]) : new RegExp(text, 'i');
  } catch (error) {
    report(path, `is not a regular expression: ${(error as Error).message}`);
    return /(?!)/;
  }
}

/** Line breaks (and NUL) in a credential would send more than one line to the host. */
const LINE_BREAK = /[\r\n\0]/;

/**
 * The password from exactly one of `password`, `passwordFile` (its first line's text: a final line
 * break is dropped) or `passwordEnv`. Problems name the key, never the value.
 */
function readPassword(raw: RawAutoLogin, path: ConfigPath, report: ReportIssue): Secret | undefined {
  const sources = (['password', 'passwordFile', 'passwordEnv'] as const).filter((k) => raw[k] !== undefined);
  if (sources.length > 1) {
    report([...path, sources[1]!], `only one of password, passwordFile or passwordEnv may be given`);
    return undefined;
  }
  let value: string | undefined;
  let at: ConfigPath = path;
  if (raw.password !== undefined) {
    at = [...path, 'password'];
    value = raw.password;
  } else if (raw.passwordFile !== undefined) {
    at = [...path, 'passwordFile'];
    try {
      value = readFileSync(raw.passwordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason =
        code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
      report(at, `cannot be read (${reason}): "${raw.passwordFile}"`);
      return undefined;
    }
    if (value === '') report(at, `"${raw.passwordFile}" is empty`);
  } else if (raw.passwordEnv !== undefined) {
    at = [...path, 'passwordEnv'];
    value = process.env[raw.passwordEnv];
    if (value === undefined || value === '') {
      report(at, `the environment variable ${raw.passwordEnv} is not set (or empty)`);
      return undefined;
    }
  }
  if (value === undefined || value === '') return undefined;
  if (LINE_BREAK.test(value)) {
    report(at, 'the password holds a line break or NUL, which cannot be typed at a prompt');
    return undefined;
  }
  return new Secret(value);
}

function normalizeAutoLogin(
  raw: RawAutoLogin,
  path: ConfigPath,
  report: ReportIssue,
): AutoLoginConfig | undefined {
  const fromToken = raw.fromToken ?? false;
  const password = readPassword(raw, path, report);
  const hasPasswordSource =
    raw.password !== undefined || raw.passwordFile !== undefined || raw.passwordEnv !== undefined;
  if (raw.username !== undefined && LINE_BREAK.test(raw.username)) {
    report([...path, 'username'], 'holds a line break or NUL, which cannot be typed at a prompt');
  }
  if (raw.username !== undefined && !hasPasswordSource) {
    report(path, 'has a username but no password: give password, passwordFile or passwordEnv');
  }
  if (raw.username === undefined && hasPasswordSource) {
    report(path, 'has a password but no username');
  }
  if (raw.username === undefined && !hasPasswordSource && !fromToken) {
    report(path, 'needs username with a password (passwordFile or passwordEnv), or fromToken: true');
  }
  return {
    ...(raw.username !== undefined && { username: raw.username }),
    ...(password !== undefined && { password }),
    usernamePrompt: parsePrompt(
      raw.usernamePrompt ?? DEFAULT_AUTO_LOGIN.usernamePrompt,
      [...path, 'usernamePrompt'],
      report,
    ),
    passwordPrompt: parsePrompt(
      raw.passwordPrompt ?? DEFAULT_AUTO_LOGIN.passwordPrompt,
      [...path, 'passwordPrompt'],
      report,
    ),
    shellPrompt: parsePrompt(
      raw.shellPrompt ?? DEFAULT_AUTO_LOGIN.shellPrompt,
      [...path, 'shellPrompt'],
      report,
    ),
    timeoutMs: raw.timeoutMs ?? DEFAULT_AUTO_LOGIN.timeoutMs,
    fromToken,
  };
}

function normalizeTargets(raw: RawConfig, defaults: FreeFormDefaults, report: ReportIssue): TargetConfig[] {
  const seen = new Map<string, number>();
  return (raw.targets ?? []).map((entry, index) => {
    const path = ['targets', index];
    const previous = seen.get(entry.id);
    if (previous !== undefined)
      report([...path, 'id'], `"${entry.id}" is already the id of targets[${previous}]`);
    seen.set(entry.id, index);
    const host = parseHost(entry.host);
    if (!host) report([...path, 'host'], `"${entry.host}" is not a host name or IP address`);
    const { id, label, host: _host, port: rawPort, autoLogin: rawAutoLogin, ...settings } = entry;
    const autoLogin = rawAutoLogin && normalizeAutoLogin(rawAutoLogin, [...path, 'autoLogin'], report);
    const normalized = normalizeSettings(settings, defaults, path, report);
    const port = rawPort ?? (normalized.protocol === 'supdup' ? SUPDUP_PORT : undefined);
    if (port === undefined) report(path, 'needs a port (only a SUPDUP target has a default: 95)');
    return {
      ...settleSettings(normalized, port ?? 0),
      id,
      label: label ?? id,
      host: host?.text ?? entry.host,
      port: port ?? 0,
      ...(autoLogin && { autoLogin }),
    };
  });
}

function normalizeAllowRules(raw: RawConfig, report: ReportIssue): AllowRule[] {
  const rules: AllowRule[] = [];
  (raw.freeForm?.allow ?? []).forEach((entry, index) => {
    const path = ['freeForm', 'allow', index];
    const ports = parsePorts(entry.ports ?? 23);
    if (!ports.ok) report([...path, 'ports'], ports.reason);
    const portRanges = ports.ok ? ports.ranges : [];
    if ((entry.cidr === undefined) === (entry.host === undefined)) {
      report(path, 'needs exactly one of "cidr" (an address block) or "host" (a host name)');
    } else if (entry.cidr !== undefined) {
      const parsed = parseCidr(entry.cidr);
      if (parsed.ok) rules.push({ kind: 'cidr', cidr: parsed.cidr, ports: portRanges });
      else report([...path, 'cidr'], parsed.reason);
    } else if (entry.host !== undefined) {
      const wildcard = entry.host.startsWith('*.');
      const host = parseHost(wildcard ? entry.host.slice(2) : entry.host);
      if (host?.kind === 'name')
        rules.push({ kind: 'host', host: (wildcard ? '*.' : '') + host.text, ports: portRanges });
      else if (host?.kind === 'ip')
        report([...path, 'host'], `is an IP address; write it as cidr: "${host.text}"`);
      else report([...path, 'host'], `"${entry.host}" is not a host name (or *.name for its subdomains)`);
    }
  });
  return rules;
}

/** CSP source expressions allowed in frame-ancestors; anything else could smuggle in other directives. */
const FRAME_ANCESTOR =
  /^(?:'self'|'none'|https?:|(?:https?:\/\/)?(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::(?:\d{1,5}|\*))?)$/i;

function normalizeAuth(raw: RawConfig, listenHost: string, report: ReportIssue): AuthConfig {
  const input = raw.security?.auth ?? {};
  const path = ['security', 'auth'];
  const auth: AuthConfig = {
    mode: input.mode ?? 'none',
    forceNoneOnPublic: input.forceNoneOnPublic ?? false,
    maxTokenLifetimeSeconds: input.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
    ...(input.hs256Secret !== undefined && { hs256Secret: input.hs256Secret }),
    ...(input.eddsaPublicKey !== undefined && { eddsaPublicKey: input.eddsaPublicKey }),
    ...(input.issuer !== undefined && { issuer: input.issuer }),
    ...(input.audience !== undefined && { audience: input.audience }),
  };
  if (auth.hs256Secret !== undefined && auth.hs256Secret.length < MIN_HS256_SECRET_LENGTH) {
    report(
      [...path, 'hs256Secret'],
      `must be at least ${MIN_HS256_SECRET_LENGTH} characters (e.g. the output of: openssl rand -base64 32)`,
    );
  }
  if (auth.eddsaPublicKey !== undefined) {
    try {
      importEd25519PublicKey(auth.eddsaPublicKey);
    } catch (error) {
      report([...path, 'eddsaPublicKey'], (error as Error).message);
    }
  }
  if (auth.mode === 'token' && auth.hs256Secret === undefined && auth.eddsaPublicKey === undefined) {
    report(
      [...path, 'mode'],
      'is "token", which needs hs256Secret or eddsaPublicKey (or both) to check tokens with',
    );
  }
  const exposure = authExposureProblem(listenHost, auth);
  if (exposure) report([...path, 'mode'], exposure);
  return auth;
}

function normalizeLimits(raw: RawConfig, report: ReportIssue): LimitsConfig {
  const limits = { ...DEFAULT_LIMITS, ...raw.limits };
  if (limits.lowWaterBytes >= limits.highWaterBytes) {
    const at = raw.limits?.lowWaterBytes !== undefined ? 'lowWaterBytes' : 'highWaterBytes';
    report(
      ['limits', at],
      `lowWaterBytes (${limits.lowWaterBytes}) must be below highWaterBytes (${limits.highWaterBytes})`,
    );
  }
  if (raw.limits?.maxSessionsPerIp !== undefined && limits.maxSessionsPerIp > limits.maxSessions) {
    report(
      ['limits', 'maxSessionsPerIp'],
      `(${limits.maxSessionsPerIp}) is more than maxSessions (${limits.maxSessions}), so one client could take every session; lower it or raise maxSessions`,
    );
  }
  return limits;
}

/** Names proxy-addr knows for address ranges, usable in a trustProxy list. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function normalizeTrustProxy(raw: RawConfig, report: ReportIssue): false | number | string[] {
  const value = raw.security?.trustProxy ?? false;
  const path = ['security', 'trustProxy'];
  if (value === true) {
    report(
      path,
      'true would take the client address from whatever a client writes in X-Forwarded-For; write the ' +
        'number of proxies in front of the gateway (e.g. 1), or their addresses (e.g. ["10.0.0.5", "10.1.0.0/16"])',
    );
    return false;
  }
  if (value === false || value === 0) return false;
  if (typeof value === 'number') return value;
  return value.filter((entry, index) => {
    if (PROXY_RANGE_NAMES.includes(entry)) return true;
    const parsed = parseCidr(entry);
    if (parsed.ok && !parsed.cidr.text.endsWith('/0')) return true;
    if (parsed.ok) {
      report([...path, index], `"${entry}" covers every address, which is the same as trusting any client`);
      return false;
    }
    report(
      [...path, index],
      `"${entry}" is not an IP address or CIDR block (or loopback, linklocal, uniquelocal)`,
    );
    return false;
  });
}

/**
 * Turns a schema-valid raw configuration into a `GatewayConfig`: fills defaults, parses the values
 * that need code, and reports every problem found (not just the first) through `report`.
 */
export function normalizeConfig(raw: RawConfig, report: ReportIssue): GatewayConfig {
  const listen = { ...DEFAULT_LISTEN, ...raw.listen };
  const listenHost = parseHost(listen.host);
  if (!listenHost) report(['listen', 'host'], `"${listen.host}" is not a host name or IP address`);

  const limits = normalizeLimits(raw, report);
  const targetDefaults = { ...DEFAULT_TARGET_SETTINGS, idleTimeoutSeconds: limits.idleTimeoutSeconds };
  const freeFormDefaults = normalizeSettings(
    raw.freeForm?.defaults ?? {},
    targetDefaults,
    ['freeForm', 'defaults'],
    report,
  );
  const targets = normalizeTargets(raw, targetDefaults, report);

  const demo = {
    enabled: raw.demo?.enabled ?? targets.length === 0,
    port: raw.demo?.port ?? DEFAULT_DEMO_PORT,
  };
  if (demo.enabled) {
    for (const [id, what] of [
      [DEMO_TARGET_ID, 'demo host'],
      [DEMO_SUPDUP_TARGET_ID, 'SUPDUP demo'],
    ]) {
      const clash = targets.findIndex((target) => target.id === id);
      if (clash !== -1) {
        report(
          ['targets', clash, 'id'],
          `"${id}" is the id of the built-in ${what}; rename this target or set demo.enabled: false`,
        );
      }
    }
    targets.push(...demoTargets(demo, limits));
  }

  const allowedOrigins: string[] = [];
  (raw.security?.allowedOrigins ?? []).forEach((origin, index) => {
    const normalized = origin === '*' ? '*' : normalizeOrigin(origin);
    if (normalized) allowedOrigins.push(normalized);
    else
      report(
        ['security', 'allowedOrigins', index],
        `"${origin}" is not an origin such as https://example.org:8443 (or *)`,
      );
  });
  const anyOrigin = allowedOrigins.indexOf('*');
  if (anyOrigin !== -1 && (raw.security?.auth?.mode ?? 'none') === 'none') {
    report(
      ['security', 'allowedOrigins', anyOrigin],
      '"*" lets any web page a user visits open sessions in their name, and auth mode is "none"; list the origins of your pages, or use auth mode "token"',
    );
  }
  const frameAncestors = raw.security?.frameAncestors ?? ["'self'"];
  frameAncestors.forEach((source, index) => {
    if (!FRAME_ANCESTOR.test(source)) {
      report(
        ['security', 'frameAncestors', index],
        `"${source}" is not a CSP source such as 'self' or https://example.org`,
      );
    }
  });

  const publicHosts: string[] = [];
  (raw.security?.publicHosts ?? []).forEach((text, index) => {
    const wildcard = text.startsWith('*.');
    const host = parseHost(wildcard ? text.slice(2) : text);
    if (host?.kind === 'name') publicHosts.push((wildcard ? '*.' : '') + host.text);
    else
      report(
        ['security', 'publicHosts', index],
        host?.kind === 'ip'
          ? `"${text}" is an IP address, which is always accepted; list host names only`
          : `"${text}" is not a host name such as term.example.org (or *.example.org), without scheme or port`,
      );
  });

  // A kiosk pins the gateway to one target: the others, free-form hosts and an unused demo host go.
  const kiosk = raw.kiosk;
  let offered = targets;
  if (kiosk) {
    offered = targets.filter((target) => target.id === kiosk.target);
    if (offered.length === 0) {
      const known = targets.map((target) => target.id).join(', ') || 'none';
      report(['kiosk', 'target'], `"${kiosk.target}" is not a configured target (targets: ${known})`);
    }
    if (raw.freeForm?.enabled) {
      report(['freeForm', 'enabled'], 'free-form hosts cannot be offered by a kiosk (kiosk.target is set)');
    }
  }

  return {
    listen,
    targets: offered,
    freeForm: {
      enabled: raw.freeForm?.enabled ?? false,
      allow: normalizeAllowRules(raw, report),
      defaults: freeFormDefaults,
    },
    security: {
      allowedOrigins,
      frameAncestors,
      publicHosts,
      serveSourceMaps: raw.security?.serveSourceMaps ?? false,
      trustProxy: normalizeTrustProxy(raw, report),
      auth: normalizeAuth(raw, listen.host, report),
    },
    limits,
    demo: kiosk && kiosk.target !== DEMO_TARGET_ID ? { ...demo, enabled: false } : demo,
    ...(kiosk
      ? {
          kiosk: {
            target: kiosk.target,
            toolbar: kiosk.toolbar ?? [...KIOSK_TOOLBAR_ITEMS],
            settings: kiosk.settings ?? [...KIOSK_SETTINGS],
          },
        }
      : {}),
    logging: { level: raw.logging?.level ?? 'info' },
    recording: normalizeRecording(raw, targets, report),
    audit: { ...DEFAULT_AUDIT, ...raw.audit },
    watch: { ...DEFAULT_WATCH, ...raw.watch },
    cluster: normalizeCluster(raw, report),
  };
}

function normalizeCluster(raw: RawConfig, report: ReportIssue): ClusterConfig {
  const cluster = raw.cluster ?? {};
  const redis = cluster.redis;
  if (redis !== undefined && cluster.gatewayId === undefined) {
    report(
      ['cluster', 'gatewayId'],
      'is required with cluster.redis: each gateway sharing one Redis needs its own id',
    );
  }
  return {
    ...(cluster.gatewayId !== undefined && { gatewayId: cluster.gatewayId }),
    ...(redis !== undefined && {
      redis: {
        url: redis.url,
        keyPrefix: redis.keyPrefix ?? 'telgate:',
        commandTimeoutMs: redis.commandTimeoutMs ?? 500,
        whenUnavailable: redis.whenUnavailable ?? 'local',
        leaseSeconds: redis.leaseSeconds ?? 30,
      },
    }),
    drainSeconds: cluster.drainSeconds ?? 0,
  };
}

/** The recording settings; listed targets must exist (or be `*`, or `host:port` for free-form ones). */
function normalizeRecording(
  raw: RawConfig,
  targets: readonly TargetConfig[],
  report: ReportIssue,
): RecordingConfig {
  const recording = { ...DEFAULT_RECORDING, ...raw.recording };
  recording.targets.forEach((id, index) => {
    if (id === '*' || targets.some((target) => target.id === id) || /^[^:\s]+:\d{1,5}$/.test(id)) return;
    report(
      ['recording', 'targets', index],
      `"${id}" is not a configured target, "*" or a free-form host:port`,
    );
  });
  if (recording.page && (raw.security?.auth?.mode ?? 'none') === 'none') {
    report(
      ['recording', 'page'],
      'the recordings page needs auth mode "token" (operators are told apart by the "recordings" grant of their token)',
    );
  }
  return recording;
}
