import { chown, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PeerError } from './errors.js';
import { requireExecutable, SHELL_PROMPT } from './peer-files.js';
import {
  type CommandResult,
  findExecutable,
  runCommand,
  runCommandOrThrow,
  writeFileAtomically,
} from './system.js';

/** The account the login variants accept; created by ensureTestUser(). */
export const TEST_USER = 'telgate-peer';
export const TEST_PASSWORD = 'peer-Passw0rd';

/** A fixed salt keeps the hash stable, so an up-to-date account is recognised without rewriting it. */
const PASSWORD_SALT = 'telgatepeer';
/** The login shell prints the same prompt as the no-login variants. */
const BASHRC = `PS1='${SHELL_PROMPT}'\n`;
const LOGIN_SHELL = '/bin/bash';
const USERADD_EXIT_USER_EXISTS = 9;
const LOCK_RETRIES = 20;

export interface TestUser {
  readonly name: string;
  readonly password: string;
  readonly home: string;
}

let ensured: Promise<TestUser> | undefined;

/**
 * Creates (or repairs) the local account TEST_USER with password TEST_PASSWORD, a bash login shell and a
 * ~/.bashrc whose prompt is SHELL_PROMPT. Idempotent, also across parallel test workers. Needs root.
 */
export function ensureTestUser(): Promise<TestUser> {
  ensured ??= ensureLocalUser(TEST_USER, TEST_PASSWORD).catch((error: unknown) => {
    ensured = undefined;
    throw error;
  });
  return ensured;
}

/** Creates or repairs the account `name` as ensureTestUser() describes. */
export async function ensureLocalUser(name: string, password: string): Promise<TestUser> {
  if (process.getuid?.() !== 0) {
    throw new PeerError(
      'PEER_ERR_NOT_ROOT',
      `creating the login test user ${name} needs root; run the tests as root (CI does)`,
    );
  }
  const openssl = requireExecutable('openssl', findExecutable('openssl'));
  const hash = (
    await runCommandOrThrow(openssl, ['passwd', '-6', '-salt', PASSWORD_SALT, password])
  ).stdout.trim();

  if ((await passwdEntry(name)) === undefined) {
    const useradd = requireExecutable('useradd (passwd package)', findExecutable('useradd'));
    const created = await retryWhileLocked(() =>
      runCommand(useradd, ['--create-home', '--shell', LOGIN_SHELL, '--password', hash, name]),
    );
    // Exit 9: a parallel test worker created it first, which is as good.
    if (created.code !== 0 && created.code !== USERADD_EXIT_USER_EXISTS)
      throw commandFailed('useradd', name, created);
  }
  if ((await shadowHash(name)) !== hash || (await passwdEntry(name))?.shell !== LOGIN_SHELL) {
    const usermod = requireExecutable('usermod (passwd package)', findExecutable('usermod'));
    const repaired = await retryWhileLocked(() =>
      runCommand(usermod, ['--shell', LOGIN_SHELL, '--password', hash, name]),
    );
    if (repaired.code !== 0) throw commandFailed('usermod', name, repaired);
  }

  const entry = await passwdEntry(name);
  if (!entry)
    throw new PeerError('PEER_ERR_COMMAND_FAILED', `${name} is missing from /etc/passwd after useradd`);
  const bashrc = join(entry.home, '.bashrc');
  await writeFileAtomically(bashrc, BASHRC, 0o644);
  await chown(bashrc, entry.uid, entry.gid);
  return { name, password, home: entry.home };
}

/** useradd and usermod fail at once when another process holds /etc/passwd's lock; wait our turn. */
async function retryWhileLocked(run: () => Promise<CommandResult>): Promise<CommandResult> {
  for (let attempt = 1; ; attempt++) {
    const result = await run();
    if (result.code === 0 || attempt >= LOCK_RETRIES || !/lock/i.test(result.stderr)) return result;
    await sleep(50 * attempt);
  }
}

function commandFailed(what: string, user: string, result: CommandResult): PeerError {
  return new PeerError(
    'PEER_ERR_COMMAND_FAILED',
    `${what} for ${user} failed (${result.signal ?? `exit ${result.code}`}): ${result.stderr.trim()}`,
  );
}

/** Read directly rather than through getent: only local files matter, and root can read them. */
async function shadowHash(user: string): Promise<string | undefined> {
  const line = (await readFile('/etc/shadow', 'utf8')).split('\n').find((l) => l.startsWith(`${user}:`));
  return line?.split(':')[1];
}

async function passwdEntry(
  user: string,
): Promise<{ uid: number; gid: number; home: string; shell: string } | undefined> {
  const line = (await readFile('/etc/passwd', 'utf8')).split('\n').find((l) => l.startsWith(`${user}:`));
  if (!line) return undefined;
  const [, , uid, gid, , home, shell] = line.split(':');
  return { uid: Number(uid), gid: Number(gid), home: home ?? '', shell: shell ?? '' };
}
