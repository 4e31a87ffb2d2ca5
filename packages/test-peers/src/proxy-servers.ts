import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PeerError } from './errors.js';
import { requireExecutable } from './peer-files.js';
import { type ServerProcess, startServerProcess } from './server-process.js';
import { findExecutable } from './system.js';

/** Debian's redis-server and nginx (scripts/system-deps.sh installs them). */
const REDIS_SERVER_PATH = '/usr/bin/redis-server';
const NGINX_PATH = '/usr/sbin/nginx';

export interface RedisServerOptions {
  /** Listen on this port, e.g. to start Redis again where it was; a free one by default. */
  readonly port?: number;
  readonly readyTimeoutMs?: number;
}

/**
 * Debian's redis-server on 127.0.0.1, keeping nothing on disk (`--save ''`, no append-only file). Fails
 * with PEER_ERR_MISSING_BINARY when it is not installed.
 */
export function startRedisServer(options: RedisServerOptions = {}): Promise<ServerProcess> {
  const redis = requireExecutable('redis-server', findExecutable('redis-server') ?? REDIS_SERVER_PATH);
  return startServerProcess({
    description: 'redis-server',
    command: (port) => [
      redis,
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      tmpdir(),
      '--logfile',
      '',
    ],
    ...(options.port !== undefined && { port: options.port }),
    ...(options.readyTimeoutMs !== undefined && { readyTimeoutMs: options.readyTimeoutMs }),
  });
}

/**
 * `template` with every `${NAME}` of `values` replaced, as envsubst does with a list of names: other
 * `$` words (nginx's own variables) stay. A `${TELGATE_…}` left over is an error.
 */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  const rendered = template.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? values[name]! : whole,
  );
  const missing = /\$\{(TELGATE_[A-Z0-9_]*)\}/.exec(rendered.replace(/^\s*#.*$/gm, ''));
  if (missing) {
    throw new PeerError('PEER_ERR_INVALID_ARGUMENT', `the template needs a value for ${missing[1]}`);
  }
  return rendered;
}

export interface NginxOptions {
  /**
   * The configuration for nginx's `http` block, given the port nginx listens on (127.0.0.1): say, a
   * template rendered with that port.
   */
  readonly httpConfig: (port: number) => string;
  readonly readyTimeoutMs?: number;
  /** Connections nginx's worker holds at once (two per proxied session); 1024 by default. */
  readonly workerConnections?: number;
}

export interface NginxServer extends ServerProcess {
  /** Its prefix directory (configuration, logs, temporary files); removed by `stop`. */
  readonly prefix: string;
}

/**
 * Debian's nginx in the foreground on 127.0.0.1 with its own prefix, pid file, logs and temporary
 * directories, so it needs nothing of the machine's nginx set-up. Fails with PEER_ERR_MISSING_BINARY
 * when nginx is not installed.
 */
export async function startNginx(options: NginxOptions): Promise<NginxServer> {
  const nginx = requireExecutable('nginx', findExecutable('nginx') ?? NGINX_PATH);
  const prefix = mkdtempSync(join(tmpdir(), 'telgate-nginx-'));
  for (const dir of ['logs', 'temp']) mkdirSync(join(prefix, dir));
  const mainConfig = join(prefix, 'nginx.conf');
  try {
    const server = await startServerProcess({
      description: 'nginx',
      command: (port) => {
        writeFileSync(join(prefix, 'telgate.conf'), options.httpConfig(port));
        writeFileSync(mainConfig, mainConfigText(prefix, options.workerConnections ?? 1024));
        return [nginx, '-p', prefix, '-c', mainConfig, '-e', join(prefix, 'logs', 'error.log')];
      },
      ...(options.readyTimeoutMs !== undefined && { readyTimeoutMs: options.readyTimeoutMs }),
    });
    return {
      ...server,
      prefix,
      async stop() {
        await server.stop();
        rmSync(prefix, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(prefix, { recursive: true, force: true });
    throw error;
  }
}

function mainConfigText(prefix: string, workerConnections: number): string {
  const temp = (name: string) => join(prefix, 'temp', name);
  // As root, nginx would run its worker as `nobody`, which cannot enter this private prefix.
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  // One process, no master: killing it leaves no worker behind (a master respawns a worker killed first).
  return `${user}daemon off;
master_process off;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'logs', 'error.log')} warn;
worker_rlimit_nofile ${workerConnections * 2};
events { worker_connections ${workerConnections}; }
http {
    access_log ${join(prefix, 'logs', 'access.log')};
    client_body_temp_path ${temp('body')};
    proxy_temp_path ${temp('proxy')};
    fastcgi_temp_path ${temp('fastcgi')};
    uwsgi_temp_path ${temp('uwsgi')};
    scgi_temp_path ${temp('scgi')};
    include ${join(prefix, 'telgate.conf')};
}
`;
}
