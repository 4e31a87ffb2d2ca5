import type {
  AuditConfig,
  DemoConfig,
  FreeFormDefaults,
  GatewayConfig,
  LimitsConfig,
  ListenConfig,
  RecordingConfig,
  TargetConfig,
  WatchConfig,
} from './types.js';

/**
 * `localhost` rather than 127.0.0.1: Fastify then listens on every loopback address the name resolves
 * to (127.0.0.1 and ::1), so http://localhost:8080 works whichever one the browser tries first.
 */
export const DEFAULT_LISTEN: ListenConfig = { host: 'localhost', port: 8080 };

export const DEFAULT_TARGET_SETTINGS: FreeFormDefaults = {
  charset: 'UTF-8',
  terminalTypes: ['xterm-256color', 'xterm', 'vt100'],
  eol: 'crlf',
  backspace: 'del',
  negotiation: 'auto',
  options: {},
  idleTimeoutSeconds: 3600,
  protocol: 'telnet',
  interruptFlush: 'timing-mark',
  synchOnInterrupt: false,
  output: 'responsive',
  resume: { graceSeconds: 300 },
  terminalMode: 'normal',
};

export const DEFAULT_LIMITS: LimitsConfig = {
  maxPayloadBytes: 64 * 1024,
  maxSessions: 100,
  maxSessionsPerIp: 10,
  connectAttemptsPerMinutePerIp: 30,
  handshakeTimeoutMs: 10_000,
  dialTimeoutMs: 10_000,
  maxConcurrentLookups: 3,
  idleTimeoutSeconds: 3600,
  highWaterBytes: 1024 * 1024,
  lowWaterBytes: 256 * 1024,
  shutdownGraceMs: 10_000,
  slowClientTimeoutMs: 30_000,
  pingIntervalMs: 30_000,
  pingTimeoutMs: 30_000,
  heartbeatIntervalMs: 15_000,
  maxDetachedSessions: 50,
  maxScreenStateBytes: 128 * 1024 * 1024,
};

/** Auto-login defaults; prompts as regular expression sources, matched case-insensitively. */
export const DEFAULT_AUTO_LOGIN = {
  usernamePrompt: '(?:login|username|user name):\\s*$',
  passwordPrompt: 'password:\\s*$',
  shellPrompt: '[$#%>]\\s*$',
  timeoutMs: 10_000,
} as const;

/** The longest a token may live (security.auth.maxTokenLifetimeSeconds). */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 3600;

export const DEMO_TARGET_ID = 'demo';

/** The demo is on when the configuration names no targets of its own, unless set either way. */
export const DEFAULT_DEMO_PORT = 0;

export const DEMO_SUPDUP_TARGET_ID = 'demo-supdup';

/** The built-in demo targets: the Telnet demo host and the SUPDUP demo. */
export function demoTargets(demo: DemoConfig, limits: LimitsConfig): TargetConfig[] {
  return [
    demoTarget(demo, limits),
    {
      ...DEFAULT_TARGET_SETTINGS,
      idleTimeoutSeconds: limits.idleTimeoutSeconds,
      id: DEMO_SUPDUP_TARGET_ID,
      label: 'SUPDUP demo (built in)',
      host: '127.0.0.1',
      port: 0,
      protocol: 'supdup',
      negotiation: 'passive',
      builtIn: 'demo-supdup',
    },
  ];
}

export function demoTarget(demo: DemoConfig, limits: LimitsConfig): TargetConfig {
  return {
    ...DEFAULT_TARGET_SETTINGS,
    idleTimeoutSeconds: limits.idleTimeoutSeconds,
    id: DEMO_TARGET_ID,
    label: 'Demo host (built in)',
    host: '127.0.0.1',
    port: demo.port,
    negotiation: 'active',
    builtIn: 'demo',
  };
}

/**
 * The configuration with the built-in demo target pointed at the port its host actually listens on
 * (the demo host may have been started on port 0, i.e. any free port).
 */
export function bindDemoTarget(config: GatewayConfig, port: number, supdupPort?: number): GatewayConfig {
  return {
    ...config,
    demo: { ...config.demo, port },
    targets: config.targets.flatMap((target) => {
      if (target.builtIn === 'demo') return [{ ...target, port }];
      // Without its own host, the SUPDUP demo is not offered.
      if (target.builtIn === 'demo-supdup') return supdupPort ? [{ ...target, port: supdupPort }] : [];
      return [target];
    }),
  };
}

/** Nothing is recorded unless targets are listed; recordings live a month and take at most 10 GiB. */
export const DEFAULT_RECORDING: RecordingConfig = {
  targets: [],
  directory: 'recordings',
  input: false,
  maxQueueBytes: 1024 * 1024,
  maxAgeDays: 30,
  maxTotalBytes: 10 * 1024 * 1024 * 1024,
  page: false,
};

/** No audit log unless a file or stdout is chosen. */
export const DEFAULT_AUDIT: AuditConfig = { stdout: false };

/** Observers are announced to the user; at most 8 per session. */
export const DEFAULT_WATCH: WatchConfig = { announce: true, maxObservers: 8 };
