import { INSTALL_HINT, PeerError } from './errors.js';
import type { LOOPBACK_HOST } from './loopback.js';
import {
  ensureNetkitCertificate,
  ensureShellProgram,
  NETKIT_TELNETD_PATH,
  requireExecutable,
} from './peer-files.js';
import { startServerProcess } from './server-process.js';
import { findExecutable, runCommand } from './system.js';

export type TelnetImplementation = 'busybox' | 'inetutils' | 'netkit';

/** `-shell`: straight into a shell (prompt SHELL_PROMPT); `-login`: /bin/login asks for user and password. */
export type TelnetServerKind =
  | 'busybox-shell'
  | 'busybox-login'
  | 'inetutils-shell'
  | 'inetutils-login'
  | 'netkit-shell'
  | 'netkit-login';

export const TELNET_SERVER_KINDS: readonly TelnetServerKind[] = [
  'busybox-shell',
  'busybox-login',
  'inetutils-shell',
  'inetutils-login',
  'netkit-shell',
  'netkit-login',
];

export interface TelnetServer {
  readonly kind: TelnetServerKind;
  readonly implementation: TelnetImplementation;
  /** True when the session starts at /bin/login (see ensureTestUser), false when it starts in a shell. */
  readonly login: boolean;
  readonly host: typeof LOOPBACK_HOST;
  readonly port: number;
  /** The pid of the listening process. */
  readonly pid: number;
  /** The pids of the server and of every session it runs now. */
  processTree(): number[];
  /** Kills the server with all its sessions and waits until they are gone. Idempotent. */
  stop(): Promise<void>;
}

export interface TelnetServerOptions {
  /** True: sessions start at /bin/login. False: they start in a shell. */
  login: boolean;
  /** How long to wait for the server to listen; default 10 s. */
  readyTimeoutMs?: number;
}

/** login(1) from Debian's essential `login` package, which every login variant runs. */
const LOGIN_PROGRAM = '/bin/login';
const INETUTILS_TELNETD_PATH = '/usr/sbin/telnetd';

export function startTelnetServer(
  kind: TelnetServerKind,
  options: Omit<TelnetServerOptions, 'login'> = {},
): Promise<TelnetServer> {
  if (!TELNET_SERVER_KINDS.includes(kind)) {
    const known = TELNET_SERVER_KINDS.join(', ');
    return Promise.reject(
      new PeerError(
        'PEER_ERR_INVALID_ARGUMENT',
        `unknown Telnet server kind ${JSON.stringify(kind)}; known: ${known}`,
      ),
    );
  }
  const [implementation, variant] = kind.split('-') as [TelnetImplementation, 'shell' | 'login'];
  const launchOptions = { ...options, login: variant === 'login' };
  switch (implementation) {
    case 'busybox':
      return startBusyboxTelnetd(launchOptions);
    case 'inetutils':
      return startInetutilsTelnetd(launchOptions);
    case 'netkit':
      return startNetkitTelnetd(launchOptions);
  }
}

/**
 * busybox telnetd (busybox-static 1.35): a standalone daemon. Needs the `busybox-static` Debian
 * package: plain `busybox` has no telnetd applet.
 */
export async function startBusyboxTelnetd(options: TelnetServerOptions): Promise<TelnetServer> {
  const busybox = await requireBusyboxTelnetd();
  const program = options.login ? requireExecutable('login', LOGIN_PROGRAM) : await ensureShellProgram();
  const server = await startServerProcess({
    description: 'busybox telnetd',
    command: (port) => [busybox, 'telnetd', '-F', '-b', '127.0.0.1', '-p', String(port), '-l', program],
    readyTimeoutMs: options.readyTimeoutMs,
  });
  return asTelnetServer(server, 'busybox', options.login);
}

/**
 * GNU inetutils telnetd (inetutils-telnetd 2.4), run inetd-style by socat. `nofork` hands telnetd the
 * real TCP socket, as inetd would: through a socketpair its urgent data (Synch) would be lost.
 */
export async function startInetutilsTelnetd(options: TelnetServerOptions): Promise<TelnetServer> {
  const socat = requireExecutable('socat', findExecutable('socat'));
  const telnetd = requireExecutable('inetutils telnetd', INETUTILS_TELNETD_PATH);
  const inetd = [telnetd, '-h'];
  if (!options.login) inetd.push('-E', await ensureShellProgram());
  else requireExecutable('login', LOGIN_PROGRAM);
  const server = await startServerProcess({
    description: 'inetutils telnetd (via socat)',
    command: (port) => socatInetdCommand(socat, port, inetd),
    readyTimeoutMs: options.readyTimeoutMs,
  });
  return asTelnetServer(server, 'inetutils', options.login);
}

/**
 * netkit in.telnetd 0.17 (Debian's telnetd-ssl, unpacked into .telgate/peers/netkit by
 * scripts/system-deps.sh), run inetd-style by socat. It will not start without a certificate, so one
 * is generated once; TLS is never negotiated with a client that does not ask for it.
 */
export async function startNetkitTelnetd(options: TelnetServerOptions): Promise<TelnetServer> {
  const socat = requireExecutable('socat', findExecutable('socat'));
  const telnetd = requireExecutable('netkit in.telnetd', NETKIT_TELNETD_PATH);
  const certificate = await ensureNetkitCertificate();
  const program = options.login ? requireExecutable('login', LOGIN_PROGRAM) : await ensureShellProgram();
  const server = await startServerProcess({
    description: 'netkit in.telnetd (via socat)',
    command: (port) =>
      socatInetdCommand(socat, port, [telnetd, '-h', '-N', '-z', `cert=${certificate}`, '-L', program]),
    readyTimeoutMs: options.readyTimeoutMs,
  });
  return asTelnetServer(server, 'netkit', options.login);
}

function socatInetdCommand(socat: string, port: number, inetdCommand: string[]): string[] {
  for (const word of inetdCommand) assertSafeForSocat(word);
  return [
    socat,
    `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork,backlog=128`,
    `EXEC:${inetdCommand.join(' ')},nofork`,
  ];
}

/** socat splits EXEC's command on spaces and its address on `,:!` and quotes; paths must avoid them. */
function assertSafeForSocat(word: string): void {
  if (!/^[\w./=+-]+$/.test(word)) {
    throw new PeerError(
      'PEER_ERR_UNSAFE_PATH',
      `cannot pass ${JSON.stringify(word)} through socat's EXEC address; move the checkout to a path of letters, digits and ./_-`,
    );
  }
}

let busyboxCheck: Promise<string> | undefined;

/** The busybox binary, once it is known to have the telnetd applet. */
function requireBusyboxTelnetd(): Promise<string> {
  busyboxCheck ??= (async () => {
    const busybox = requireExecutable('busybox (busybox-static)', findExecutable('busybox'));
    const applets = await runCommand(busybox, ['--list']);
    if (!applets.stdout.split('\n').includes('telnetd')) {
      throw new PeerError(
        'PEER_ERR_MISSING_BINARY',
        `${busybox} has no telnetd applet (Debian's busybox package lacks it; busybox-static has it): ${INSTALL_HINT}`,
      );
    }
    return busybox;
  })().catch((error: unknown) => {
    busyboxCheck = undefined;
    throw error;
  });
  return busyboxCheck;
}

function asTelnetServer(
  server: Omit<TelnetServer, 'kind' | 'implementation' | 'login'>,
  implementation: TelnetImplementation,
  login: boolean,
): TelnetServer {
  const kind: TelnetServerKind = `${implementation}-${login ? 'login' : 'shell'}`;
  return {
    kind,
    implementation,
    login,
    host: server.host,
    port: server.port,
    pid: server.pid,
    processTree: () => server.processTree(),
    stop: () => server.stop(),
  };
}
