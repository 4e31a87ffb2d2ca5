import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INSTALL_HINT, PeerError } from './errors.js';
import { findExecutable, isExecutable, runCommandOrThrow, writeFileAtomically } from './system.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Machine-local state for the test servers (gitignored): the unpacked netkit server, a certificate, … */
export const PEERS_DIR = join(REPO_ROOT, '.telgate', 'peers');

/** Where scripts/system-deps.sh unpacks netkit's in.telnetd (Debian ships it only as telnetd-ssl). */
export const NETKIT_TELNETD_PATH = join(PEERS_DIR, 'netkit', 'usr', 'sbin', 'in.telnetd');

/** The prompt of the shell that every no-login server variant runs. */
export const SHELL_PROMPT = 'peer$ ';

/**
 * Stands in for /bin/login in the no-login variants. Each telnetd passes its own login arguments
 * (`-h HOST -p`, …), so this ignores them all, and it starts the same plain interactive bash with the
 * same prompt under every server, whatever environment that server passes on.
 */
const SHELL_PROGRAM = `#!/bin/sh
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LANG=C.UTF-8
export PS1='${SHELL_PROMPT}'
cd "\${HOME:-/}" 2>/dev/null || cd /
exec /bin/bash --noprofile --norc -i
`;

/** The path of the no-login shell program, written on first use. */
export async function ensureShellProgram(): Promise<string> {
  shellProgram ??= (async () => {
    const directory = join(PEERS_DIR, 'bin');
    await mkdir(directory, { recursive: true });
    const path = join(directory, 'peer-shell');
    await writeFileAtomically(path, SHELL_PROGRAM, 0o755);
    return path;
  })().catch((error: unknown) => {
    shellProgram = undefined;
    throw error;
  });
  return shellProgram;
}
let shellProgram: Promise<string> | undefined;

/**
 * The self-signed key and certificate, in one PEM file, without which netkit's in.telnetd refuses to
 * start (even when told not to use TLS). Generated once per machine.
 */
export async function ensureNetkitCertificate(): Promise<string> {
  netkitCertificate ??= createNetkitCertificate().catch((error: unknown) => {
    netkitCertificate = undefined;
    throw error;
  });
  return netkitCertificate;
}
let netkitCertificate: Promise<string> | undefined;

async function createNetkitCertificate(): Promise<string> {
  const path = join(PEERS_DIR, 'netkit-telnetd.pem');
  await mkdir(PEERS_DIR, { recursive: true });
  try {
    const existing = await readFile(path, 'utf8');
    if (existing.includes('PRIVATE KEY') && existing.includes('CERTIFICATE')) return path;
  } catch {
    // Not generated yet.
  }
  const openssl = requireExecutable('openssl', findExecutable('openssl'));
  const workDirectory = await mkdtemp(join(PEERS_DIR, 'cert-'));
  try {
    const keyPath = join(workDirectory, 'key.pem');
    const certPath = join(workDirectory, 'cert.pem');
    await runCommandOrThrow(openssl, [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '36500',
      '-subj',
      '/CN=localhost',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ]);
    const pem = (await readFile(keyPath, 'utf8')) + (await readFile(certPath, 'utf8'));
    await writeFileAtomically(path, pem, 0o600);
  } finally {
    await rm(workDirectory, { recursive: true, force: true });
  }
  return path;
}

/** Returns `path` if it is an executable, else throws the "install the test servers" error. */
export function requireExecutable(what: string, path: string | undefined): string {
  if (path && isExecutable(path)) return path;
  throw new PeerError(
    'PEER_ERR_MISSING_BINARY',
    `${what} is not installed${path ? ` (looked for ${path})` : ''}: ${INSTALL_HINT}`,
  );
}
