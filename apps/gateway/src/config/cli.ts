import { parseArgs } from 'node:util';
import { type ConfigOverride, loadConfigFile, parseConfig } from './load.js';
import type { GatewayConfig } from './types.js';

export const USAGE = `Usage: telgate-gateway [options]

Options:
  -c, --config FILE      configuration file, YAML or JSON (env TELGATE_CONFIG)
      --host HOST        address to listen on (env TELGATE_HOST; default localhost)
  -p, --port PORT        port to listen on, 0 for any free port (env TELGATE_PORT; default 8080)
      --log-level LEVEL  fatal, error, warn, info, debug, trace or silent (env TELGATE_LOG_LEVEL)
  -h, --help             show this help

Environment:
  TELGATE_HS256_SECRET   security.auth.hs256Secret, so the secret can stay out of the file
  TELGATE_GATEWAY_ID     cluster.gatewayId, this gateway's id among several behind one proxy
  TELGATE_REDIS_URL      cluster.redis.url, the Redis that holds the limits the gateways share

Options win over the environment, which wins over the file. Without a file, the gateway serves the
built-in demo host on http://localhost:8080.`;

/** The command line could not be understood. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CommandLine {
  readonly help: boolean;
  readonly configPath: string | undefined;
  /** Settings from the environment and options, latest source last; one entry per setting. */
  readonly overrides: readonly ConfigOverride[];
}

/** Numbers given as text become numbers; anything else is left for the schema to reject by name. */
function asPort(text: string): unknown {
  return /^\d{1,6}$/.test(text.trim()) ? Number(text.trim()) : text;
}

function parseOptions(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string', short: 'c' },
        host: { type: 'string' },
        port: { type: 'string', short: 'p' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function readCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): CommandLine {
  const values = parseOptions(argv);
  const byPath = new Map<string, ConfigOverride>();
  const set = (path: ConfigOverride['path'], value: unknown, source: string) => {
    byPath.set(path.join('.'), { path, value, source });
  };
  const fromEnv = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);

  const envHost = fromEnv('TELGATE_HOST');
  if (envHost !== undefined) set(['listen', 'host'], envHost, 'TELGATE_HOST');
  const envPort = fromEnv('TELGATE_PORT');
  if (envPort !== undefined) set(['listen', 'port'], asPort(envPort), 'TELGATE_PORT');
  const envLevel = fromEnv('TELGATE_LOG_LEVEL');
  if (envLevel !== undefined) set(['logging', 'level'], envLevel, 'TELGATE_LOG_LEVEL');
  const envSecret = fromEnv('TELGATE_HS256_SECRET');
  if (envSecret !== undefined) set(['security', 'auth', 'hs256Secret'], envSecret, 'TELGATE_HS256_SECRET');
  const envGatewayId = fromEnv('TELGATE_GATEWAY_ID');
  if (envGatewayId !== undefined) set(['cluster', 'gatewayId'], envGatewayId, 'TELGATE_GATEWAY_ID');
  const envRedisUrl = fromEnv('TELGATE_REDIS_URL');
  if (envRedisUrl !== undefined) set(['cluster', 'redis', 'url'], envRedisUrl, 'TELGATE_REDIS_URL');

  if (values.host !== undefined) set(['listen', 'host'], values.host, '--host');
  if (values.port !== undefined) set(['listen', 'port'], asPort(values.port), '--port');
  if (values['log-level'] !== undefined) set(['logging', 'level'], values['log-level'], '--log-level');

  return {
    help: values.help ?? false,
    configPath: values.config ?? fromEnv('TELGATE_CONFIG'),
    overrides: [...byPath.values()],
  };
}

/** The configuration a command line asks for: its file, or the built-in defaults, with overrides. */
export async function loadConfig(commandLine: CommandLine): Promise<GatewayConfig> {
  if (commandLine.configPath !== undefined)
    return loadConfigFile(commandLine.configPath, commandLine.overrides);
  return parseConfig('', { sourceName: 'built-in defaults', overrides: commandLine.overrides });
}
