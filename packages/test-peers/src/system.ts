import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { PeerError } from './errors.js';

/** The search path servers and helper commands get, independent of the caller's environment. */
export const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The first executable called `name` on SYSTEM_PATH or the caller's PATH, or undefined. */
export function findExecutable(name: string): string | undefined {
  const directories = [...SYSTEM_PATH.split(delimiter), ...(process.env.PATH ?? '').split(delimiter)];
  for (const directory of directories) {
    if (!directory) continue;
    const candidate = join(directory, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface CommandResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a short command to completion without a shell; stdin gets `input` or nothing. */
export function runCommand(
  file: string,
  args: readonly string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: SYSTEM_PATH, LANG: 'C.UTF-8' },
      timeout: options.timeoutMs ?? 30_000,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.once('error', (error) =>
      reject(
        new PeerError('PEER_ERR_COMMAND_FAILED', `cannot run ${file}: ${error.message}`, { cause: error }),
      ),
    );
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.on('error', () => {}); // The command may exit without reading its input.
    child.stdin.end(options.input ?? '');
  });
}

/** Like runCommand, but a non-zero exit is an error that quotes the command's stderr. */
export async function runCommandOrThrow(
  file: string,
  args: readonly string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  const result = await runCommand(file, args, options);
  if (result.code !== 0) {
    throw new PeerError(
      'PEER_ERR_COMMAND_FAILED',
      `${[file, ...args].join(' ')} failed (${result.signal ?? `exit ${result.code}`}): ${result.stderr.trim()}`,
    );
  }
  return result;
}

/**
 * Writes `content` to `path` so that concurrent writers (parallel test workers) never expose a
 * half-written file: write beside it, then rename over it. Skips the write if the content is there.
 */
export async function writeFileAtomically(path: string, content: string, mode: number): Promise<void> {
  try {
    if ((await readFile(path, 'utf8')) === content) {
      await chmod(path, mode);
      return;
    }
  } catch {
    // Missing: write it.
  }
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, content, { mode });
    await chmod(temporary, mode); // The umask may have narrowed the mode.
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
}
