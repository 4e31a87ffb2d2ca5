import type { BackspaceKey, KioskSetting, KioskToolbarItem, TerminalMode } from '@telgate/protocol';
import type { EolMode, PolicyTable, StartMode } from '@telgate/telnet-core';
import type { Cidr } from '../targets/ip.js';
import type { RawConfig, RawSettings } from './schema.js';
import type { Secret } from './secret.js';

/** A word the configuration's schema lists (`schema.ts` is where each list is written). */
type Word<T> = NonNullable<T>;

/** The gateway's configuration after validation, with every default filled in. */
export interface GatewayConfig {
  readonly listen: ListenConfig;
  /** Configured targets, the built-in demo target (when enabled) last. */
  readonly targets: readonly TargetConfig[];
  readonly freeForm: FreeFormConfig;
  readonly security: SecurityConfig;
  readonly limits: LimitsConfig;
  readonly demo: DemoConfig;
  /** Set when the gateway serves one fixed target as a kiosk: every page is that target's kiosk. */
  readonly kiosk?: KioskConfig;
  readonly logging: LoggingConfig;
  /** Session recordings (asciicast v2) and the recordings page. */
  readonly recording: RecordingConfig;
  /** The audit log: one JSON line per session event. */
  readonly audit: AuditConfig;
  /** Live observation of sessions by tokens with the `watch` grant. */
  readonly watch: WatchConfig;
  /** Several gateways behind one proxy: this gateway's id, shared limits in Redis, draining. */
  readonly cluster: ClusterConfig;
}

/** What a gateway does with new sessions while Redis, which holds the shared limits, cannot be reached. */
export type RedisUnavailableRule = Word<
  NonNullable<NonNullable<RawConfig['cluster']>['redis']>['whenUnavailable']
>;

export interface RedisConfig {
  /** `redis://[:password@]host:port/db` or `rediss://…` for TLS. */
  readonly url: string;
  /** Prepended to every key, so that several telgate installations can share one Redis. */
  readonly keyPrefix: string;
  /** A command that has no answer this long fails (the gateway never waits longer on Redis). */
  readonly commandTimeoutMs: number;
  /**
   * `local`: new sessions are admitted under this gateway's own limits only (logged, counted);
   * `refuse`: new sessions are refused with GW_ERR_LIMITS_OFFLINE. Held sessions go on either way.
   */
  readonly whenUnavailable: RedisUnavailableRule;
  /**
   * How long a session's entry in Redis lives without being renewed: a gateway renews its entries
   * every third of this, so the entries of a gateway that died expire this long after it.
   */
  readonly leaseSeconds: number;
}

export interface ClusterConfig {
  /**
   * Names this gateway among several behind one proxy (a-z, 0-9 and -); given to pages with their
   * resume credentials, so that the proxy routes a resume back here. Absent: a gateway on its own.
   */
  readonly gatewayId?: string;
  /** Per-client limits and the session directory shared with the other gateways; absent: none shared. */
  readonly redis?: RedisConfig;
  /**
   * On SIGTERM, stop taking new sessions, warn users, and keep the sessions for up to this long before
   * ending them (0: SIGTERM ends sessions at once, as SIGINT does).
   */
  readonly drainSeconds: number;
}

export interface ListenConfig {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
}

export type NegotiationSetting = Word<RawSettings['negotiation']>;
/** How the host's bytes are read: Telnet (RFC 854), plain TCP, or SUPDUP from the first byte (RFC 734). */
export type TargetProtocol = Word<RawSettings['protocol']>;
/** What the gateway asks the host for after an interrupt, so stale output is discarded. */
export type InterruptFlush = Word<RawSettings['interruptFlush']>;
/**
 * What a browser that falls behind gets: `responsive` skips output and then sends the screen (the host
 * is never held back), `lossless` holds the host back until the browser has read every byte.
 */
export type OutputMode = Word<RawSettings['output']>;

/** How the gateway talks to one host; shared by configured and free-form targets. */
export interface TargetSettings {
  /** An encoding iconv-lite knows, as written in the configuration (e.g. `CP437`). */
  readonly charset: string;
  /** Offered in turn to TTYPE SEND (RFC 1091). */
  readonly terminalTypes: readonly string[];
  /** What the Enter key sends. */
  readonly eol: EolMode;
  /** What the Backspace key sends: DEL (0x7f) or BS (0x08). */
  readonly backspace: BackspaceKey;
  /** Option policy overrides merged over the client policy (telnet-core `mergePolicy`). */
  readonly options: PolicyTable;
  /** Close the session after this long without traffic either way; 0 = never. */
  readonly idleTimeoutSeconds: number;
  /**
   * What the host speaks: `telnet`; `supdup` from the first byte (port 95 by default); `raw`: plain TCP,
   * no Telnet commands are read or sent.
   */
  readonly protocol: TargetProtocol;
  readonly interruptFlush: InterruptFlush;
  /**
   * Follow Interrupt with a Synch (IAC DM as TCP urgent data, RFC 1123 §3.2.4), as BSD telnet's `autosynch`.
   * Off by default: a host that does not read urgent data inline loses the DM byte from its stream.
   */
  readonly synchOnInterrupt: boolean;
  /**
   * `responsive` (the default): a browser that falls behind gets an `output-skipped` notice and the
   * screen instead of the backlog (telgate.v2 sessions that keep a screen state only; the others are
   * always `lossless`). `lossless`: the host waits until the browser has read every byte.
   */
  readonly output: OutputMode;
  /** Sessions that survive their socket (telgate.v2). */
  readonly resume: ResumeSettings;
  /** `terminal.mode` in the configuration: how the page presents the host. */
  readonly terminalMode: TerminalMode;
}

export interface ResumeSettings {
  /**
   * How long a session whose browser went away without ending it is kept (host connection open,
   * screen kept) for the browser to resume it; 0 = sessions end with their socket.
   */
  readonly graceSeconds: number;
}

/** A dialable target: settings resolved, `auto` negotiation decided by port. */
export interface TargetConfig extends TargetSettings {
  readonly id: string;
  readonly label: string;
  readonly host: string;
  readonly port: number;
  /** Active: offer our options at once (the usual on port 23). Passive: wait for the host. */
  readonly negotiation: StartMode;
  /** Set on the built-in demo target, whose port is bound at start-up (see `bindDemoTarget`). */
  readonly builtIn?: 'demo' | 'demo-supdup';
  /** Sign the user in by answering the host's login prompts. */
  readonly autoLogin?: AutoLoginConfig;
}

/**
 * How the gateway answers a host's login prompts for the user. The prompts are matched against the end
 * of the host's output (escape sequences removed), case-insensitively unless written as `/…/flags`.
 */
export interface AutoLoginConfig {
  /** Sent at the username prompt; absent when only tokens bring the credentials (`fromToken`). */
  readonly username?: string;
  /** Sent at the password prompt; from `password`, `passwordFile` or `passwordEnv`. */
  readonly password?: Secret;
  readonly usernamePrompt: RegExp;
  readonly passwordPrompt: RegExp;
  /** After the password, this prompt means the user is signed in. */
  readonly shellPrompt: RegExp;
  /** Give up when the sign-in has not finished this long after the connection opened. */
  readonly timeoutMs: number;
  /** A token's `telgate.login` claim may bring the username and password (they win over these). */
  readonly fromToken: boolean;
}

/** Settings for free-form targets: like a target's, but `auto` is decided per request. */
export interface FreeFormDefaults extends TargetSettings {
  readonly negotiation: NegotiationSetting;
}

export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/** One allow-list entry: either an address block or a host name (`*.example.org` for subdomains). */
export type AllowRule =
  | { readonly kind: 'cidr'; readonly cidr: Cidr; readonly ports: readonly PortRange[] }
  | { readonly kind: 'host'; readonly host: string; readonly ports: readonly PortRange[] };

export interface FreeFormConfig {
  readonly enabled: boolean;
  readonly allow: readonly AllowRule[];
  readonly defaults: FreeFormDefaults;
}

export type AuthMode = Word<NonNullable<NonNullable<RawConfig['security']>['auth']>['mode']>;

export interface AuthConfig {
  readonly mode: AuthMode;
  /** HS256 shared secret (at least 32 characters). */
  readonly hs256Secret?: string;
  /** Ed25519 public key, SPKI PEM text or a JWK. */
  readonly eddsaPublicKey?: string | Readonly<Record<string, unknown>>;
  /** When set, tokens must carry this `iss`. */
  readonly issuer?: string;
  /** When set, tokens must carry this `aud`. */
  readonly audience?: string;
  /**
   * The longest a token may live: one issued longer ago is expired, one expiring further ahead (or
   * issued in the future) is refused.
   */
  readonly maxTokenLifetimeSeconds: number;
  /** Allow mode `none` on a non-loopback listen address (anyone who can reach the port gets sessions). */
  readonly forceNoneOnPublic: boolean;
}

export interface SecurityConfig {
  /**
   * Origins (e.g. `https://portal.example.org`) whose pages may open WebSockets, besides the gateway's
   * own origin; `*` allows any.
   */
  readonly allowedOrigins: readonly string[];
  /** CSP `frame-ancestors` sources for the served pages, e.g. `'self'`, `https://portal.example.org`. */
  readonly frameAncestors: readonly string[];
  /**
   * Host names (besides loopback names, IP addresses and the listen host) the gateway is reached by,
   * lower case; `*.example.org` covers its subdomains. Requests for any other name are refused.
   */
  readonly publicHosts: readonly string[];
  /** Serve the web app's source maps (*.map, with the full sources): for debugging only. */
  readonly serveSourceMaps: boolean;
  /**
   * Where the client address comes from behind reverse proxies: false (the TCP peer), the number of
   * proxies in front of the gateway (the address that many hops back in X-Forwarded-For), or the
   * proxies' addresses and CIDR blocks (every hop from one of them is skipped).
   */
  readonly trustProxy: false | number | readonly string[];
  readonly auth: AuthConfig;
}

export interface LimitsConfig {
  /** Largest WebSocket message accepted from a browser; larger closes with 1009. */
  readonly maxPayloadBytes: number;
  readonly maxSessions: number;
  /** Per client address (IPv6 clients counted per /64). */
  readonly maxSessionsPerIp: number;
  readonly connectAttemptsPerMinutePerIp: number;
  /** HTTP upgrade request deadline; also the deadline for a session's opening exchange. */
  readonly handshakeTimeoutMs: number;
  /** DNS lookup and TCP connect deadline, each. */
  readonly dialTimeoutMs: number;
  /** DNS lookups running at once (each holds a libuv thread until it ends, deadline or not). */
  readonly maxConcurrentLookups: number;
  /** Default for targets that set none; 0 = never. */
  readonly idleTimeoutSeconds: number;
  /** Stop reading from the host while this much output waits for the browser… */
  readonly highWaterBytes: number;
  /** …and read again once it drains below this. The same marks bound every other queue of a session. */
  readonly lowWaterBytes: number;
  /**
   * On SIGTERM/SIGINT, how long browsers get to finish closing their sessions before their sockets are
   * destroyed and the process exits.
   */
  readonly shutdownGraceMs: number;
  /** A browser whose queue stays over `highWaterBytes` this long is closed with GW_ERR_SLOW_CLIENT. */
  readonly slowClientTimeoutMs: number;
  /** Ping each browser this often (0 = never)… */
  readonly pingIntervalMs: number;
  /** …and close its session with GW_ERR_CLIENT_GONE when a ping is not answered within this long. */
  readonly pingTimeoutMs: number;
  /**
   * A HEARTBEAT frame goes to a page the gateway has sent nothing else for this long, so the page can
   * show when the gateway stops answering; 0 = never.
   */
  readonly heartbeatIntervalMs: number;
  /** Detached sessions (waiting to be resumed) kept at once; past it the oldest detached one ends. */
  readonly maxDetachedSessions: number;
  /**
   * The screens kept for resumable sessions, summed over sessions, stay under this: past it the oldest
   * detached sessions end first.
   */
  readonly maxScreenStateBytes: number;
}

export interface DemoConfig {
  readonly enabled: boolean;
  /** Loopback port of the built-in demo host; 0 picks a free one. */
  readonly port: number;
}

export {
  KIOSK_SETTINGS,
  KIOSK_TOOLBAR_ITEMS,
  type KioskSetting,
  type KioskToolbarItem,
} from '@telgate/protocol';

export interface KioskConfig {
  /** The only target: the page always shows its kiosk, and the gateway opens no other. */
  readonly target: string;
  /** What the kiosk's toolbar (and command palette) offers; all of it unless listed, none with []. */
  readonly toolbar: readonly KioskToolbarItem[];
  /** What its settings panel offers (when `settings` is in the toolbar); all unless listed. */
  readonly settings: readonly KioskSetting[];
}

export type LogLevel = Word<NonNullable<RawConfig['logging']>['level']>;

export interface LoggingConfig {
  readonly level: LogLevel;
}

/** Which sessions are recorded, where, and for how long. */
export interface RecordingConfig {
  /** Target ids whose sessions are recorded (`host:port` for free-form ones); `*` records every session. */
  readonly targets: readonly string[];
  /** Where the .cast files (and their .json metadata) are written. */
  readonly directory: string;
  /** Also record what users type (`i` events): passwords typed at prompts included. Off by default. */
  readonly input: boolean;
  /** Events waiting to be written, per recording; past this, output is dropped and the recording is incomplete. */
  readonly maxQueueBytes: number;
  /** Recordings older than this are deleted; 0 = kept whatever their age. */
  readonly maxAgeDays: number;
  /** The oldest recordings are deleted while all of them together take more than this; 0 = no cap. */
  readonly maxTotalBytes: number;
  /** Serve the recordings page and API to tokens with the `recordings` grant (token auth only). */
  readonly page: boolean;
}

/** Where audit records go: a file (appended to), standard output, both, or neither. */
export interface AuditConfig {
  readonly file?: string;
  readonly stdout: boolean;
}

/** Live observation (`/ws?watch=<sessionId>`). */
export interface WatchConfig {
  /** Tell the user's page how many observers watch (NOTICE observers). On by default. */
  readonly announce: boolean;
  /** Observers one session may have at once. */
  readonly maxObservers: number;
}
