import { type DemoHost, type SupdupDemoHost, startDemoHost, startSupdupDemoHost } from '@telgate/demo-host';
import type { FastifyInstance } from 'fastify';
import { type AppDeps, buildApp, drainGateway, isStopping, stopGateway } from './app.js';
import { loadConfig, readCommandLine, USAGE, UsageError } from './config/cli.js';
import { bindDemoTarget } from './config/defaults.js';
import { ConfigError } from './config/load.js';
import type { GatewayConfig } from './config/types.js';
import { isEntryPoint } from './entry-point.js';
import { createLogger } from './observability/logging.js';
import { createTelnetRelay } from './relay/index.js';

/**
 * How long after the shutdown grace period the process exits anyway (status 1): stopping destroys every
 * socket once the grace period is over, so only a fault in stopping itself can take this long.
 */
const SHUTDOWN_BACKSTOP_MS = 5_000;

export interface RunningGateway {
  readonly app: FastifyInstance;
  /** Where people can open the gateway, e.g. http://localhost:8080. */
  readonly url: string;
  /**
   * Ends sessions (STATE closed, GW_ERR_SHUTDOWN), stops listening, and waits for connections to end,
   * destroying those still open after `limits.shutdownGraceMs`.
   */
  stop(): Promise<void>;
  /**
   * Drains: no new sessions, /healthz 503, sessions warned and kept until they end or `durationMs`
   * passes; then stops as `stop` does.
   */
  drain(durationMs: number): Promise<void>;
}

export type StartResult =
  | { readonly ok: true; readonly gateway: RunningGateway }
  | { readonly ok: false; readonly exitCode: number };

export interface StartOptions {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Receives what people should read: the address served, or why the gateway cannot start. */
  readonly tell: (text: string) => void;
  /** Dependencies for buildApp, chosen once the configuration is known (session handler, demo host…). */
  readonly deps?: (config: GatewayConfig) => AppDeps | Promise<AppDeps>;
}

/** The address to show people: wildcard listen addresses are reached as localhost. */
export function displayUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

/**
 * Reads the command line and environment, loads the configuration, and starts listening. Problems a
 * person can fix (bad options, bad configuration, a port in use) are told in words and give an exit
 * code, never a stack trace: 2 for the command line, 1 for the rest.
 */
export async function startGateway({ argv, env, tell, deps }: StartOptions): Promise<StartResult> {
  let config: GatewayConfig;
  try {
    const commandLine = readCommandLine(argv, env);
    if (commandLine.help) {
      tell(`${USAGE}\n`);
      return { ok: false, exitCode: 0 };
    }
    config = await loadConfig(commandLine);
  } catch (error) {
    if (error instanceof UsageError) {
      tell(`telgate: ${error.message}\n\n${USAGE}\n`);
      return { ok: false, exitCode: 2 };
    }
    if (error instanceof ConfigError) {
      tell(`telgate: ${error.message}\n`);
      return { ok: false, exitCode: 1 };
    }
    throw error;
  }

  const logger = createLogger(config.logging.level);
  // The built-in demo host listens first, so the demo target can name its port.
  let demo: DemoHost | undefined;
  let supdupDemo: SupdupDemoHost | undefined;
  if (config.demo.enabled) {
    try {
      demo = await startDemoHost({
        port: config.demo.port,
        logger: logger.child({ component: 'demo-host' }),
      });
    } catch (error) {
      tell(`telgate: cannot start the demo host: ${(error as Error).message}\n`);
      return { ok: false, exitCode: 1 };
    }
    supdupDemo = await startSupdupDemoHost({
      onError: (err) => logger.warn({ err, component: 'supdup-demo' }, 'SUPDUP demo: a session failed'),
    }).catch((err: unknown) => {
      logger.warn({ err }, 'the SUPDUP demo cannot listen; it is not offered');
      return undefined;
    });
    config = bindDemoTarget(config, demo.port, supdupDemo?.port);
  }
  const app = await buildApp(config, { logger, ...(await deps?.(config)) });
  app.addHook('onClose', async () => {
    await demo?.close();
    await supdupDemo?.close();
  });
  try {
    await app.listen({ host: config.listen.host, port: config.listen.port });
  } catch (error) {
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${config.listen.host}:${config.listen.port}`;
    if (code === 'EADDRINUSE') tell(`telgate: ${where} is already in use; choose another port with --port\n`);
    else if (code === 'EACCES') tell(`telgate: not allowed to listen on ${where}; use a port above 1023\n`);
    else if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      tell(`telgate: ${config.listen.host} is not an address of this machine\n`);
    else tell(`telgate: cannot listen on ${where}: ${(error as Error).message}\n`);
    return { ok: false, exitCode: 1 };
  }

  const address = app.server.address();
  const port = address !== null && typeof address === 'object' ? address.port : config.listen.port;
  const url = displayUrl(config.listen.host, port);
  tell(`telgate: serving ${url} (Ctrl-C stops)\n`);
  return {
    ok: true,
    gateway: { app, url, stop: () => stopGateway(app), drain: (durationMs) => drainGateway(app, durationMs) },
  };
}

/**
 * Runs the gateway until SIGINT or SIGTERM, then stops it and exits with status 0 within the shutdown
 * grace period; a second signal exits at once (status 1). With cluster.drainSeconds set, SIGTERM drains
 * first (sessions kept until they end or the deadline), and a second signal ends the drain at once.
 * POST /api/admin/drain drains too, and the process exits 0 when it is over; a SIGTERM during such a
 * drain brings its deadline forward to cluster.drainSeconds from then (0: ends it at once), and any
 * signal after that, or SIGINT, ends it at once.
 */
async function main(): Promise<void> {
  let gateway: RunningGateway | undefined;
  /** A signal that arrived during start-up. */
  let earlySignal: NodeJS.Signals | undefined;
  /** How the gateway is being taken down; undefined while it serves. */
  let stopping: 'drain-by-signal' | 'drain-by-call' | 'stop' | undefined;
  let backstop: NodeJS.Timeout | undefined;

  /** Exits 1 should stopping take `waitMs` plus the grace period plus the backstop. */
  const armBackstop = (app: FastifyInstance, waitMs: number) => {
    clearTimeout(backstop);
    backstop = setTimeout(
      () => {
        app.log.error('the gateway did not stop; exiting');
        process.exit(1);
      },
      Math.max(0, waitMs) + app.telgate.config.limits.shutdownGraceMs + SHUTDOWN_BACKSTOP_MS,
    );
    backstop.unref();
  };
  const settle = (app: FastifyInstance, work: Promise<void>) =>
    work.then(
      () => {
        clearTimeout(backstop);
        process.exitCode = 0;
      },
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  const stopNow = (app: FastifyInstance, reason: string) => {
    stopping = 'stop';
    app.log.info({ reason, graceMs: app.telgate.config.limits.shutdownGraceMs }, 'shutting down');
    armBackstop(app, 0);
    settle(app, stopGateway(app));
  };
  const drain = (app: FastifyInstance, durationMs: number, reason: string, how: typeof stopping) => {
    stopping = how;
    const work = drainGateway(app, durationMs);
    const deadline = app.telgate.cluster.drain.deadline?.getTime() ?? Date.now();
    app.log.info({ reason, drainMs: durationMs, deadline: new Date(deadline).toISOString() }, 'draining');
    armBackstop(app, deadline - Date.now());
    settle(app, work);
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (!gateway) {
      if (earlySignal) process.exit(1);
      earlySignal = signal;
      return;
    }
    const { app } = gateway;
    const drainMs = app.telgate.config.cluster.drainSeconds * 1000;
    if (stopping === 'stop') process.exit(1);
    if (stopping === 'drain-by-signal') {
      // A second signal while draining: end the sessions now.
      stopNow(app, signal);
    } else if (signal === 'SIGTERM' && drainMs > 0) {
      // Draining by an admin call already: the sooner of its deadline and drainSeconds from now.
      drain(app, drainMs, signal, 'drain-by-signal');
    } else {
      stopNow(app, signal);
    }
  };
  const onDrainRequest = (app: FastifyInstance, durationMs: number): boolean => {
    if (stopping === 'stop' || isStopping(app)) return false;
    drain(app, durationMs, 'admin call', stopping === 'drain-by-signal' ? stopping : 'drain-by-call');
    return true;
  };
  // Listening for signals before starting, so that one arriving during start-up is not lost.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const result = await startGateway({
    argv: process.argv.slice(2),
    env: process.env,
    tell: (text) => process.stderr.write(text),
    deps: () => ({ onSession: createTelnetRelay(), onDrainRequest }),
  });
  if (!result.ok) {
    process.exitCode = result.exitCode;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    return;
  }
  gateway = result.gateway;
  if (earlySignal) onSignal(earlySignal);
}

if (isEntryPoint(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `telgate: could not start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  });
}
