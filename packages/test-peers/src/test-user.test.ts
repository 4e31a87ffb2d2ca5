import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFixture } from './fixtures/run-fixture.js';
import { SHELL_PROMPT } from './peer-files.js';
import { runCommandOrThrow } from './system.js';
import { ensureLocalUser, ensureTestUser, TEST_PASSWORD, TEST_USER } from './test-user.js';

async function accountOf(name: string): Promise<{ hash?: string; shell?: string }> {
  const field = (file: string, index: number) =>
    file
      .split('\n')
      .find((line) => line.startsWith(`${name}:`))
      ?.split(':')[index];
  return {
    hash: field(await readFile('/etc/shadow', 'utf8'), 1),
    shell: field(await readFile('/etc/passwd', 'utf8'), 6),
  };
}

// That the account really logs in is shown by the *-login cases of telnet-servers.test.ts.
describe('ensureTestUser', () => {
  it('provides the login account with a SHA-512 password and the shared shell prompt, once per process', async () => {
    const user = await ensureTestUser();
    expect(user).toEqual({ name: TEST_USER, password: TEST_PASSWORD, home: `/home/${TEST_USER}` });
    const account = await accountOf(TEST_USER);
    expect(account.hash).toMatch(/^\$6\$/);
    expect(account.shell).toBe('/bin/bash');
    expect(await readFile(join(user.home, '.bashrc'), 'utf8')).toContain(`PS1='${SHELL_PROMPT}'`);
    expect(await ensureTestUser()).toBe(user);
  });

  it('refuses clearly when not run as root', async () => {
    const { report } = runFixture<{ code: string; message: string; uid: number }>(
      'ensure-test-user-as-nobody',
    );
    const { code, message, uid } = await report;
    expect(uid).toBe(65534);
    expect(code).toBe('PEER_ERR_NOT_ROOT');
    expect(message).toMatch(/needs root/);
  });
});

describe('ensureLocalUser', () => {
  it('creates an account, repairs it after tampering, and follows a password change', async () => {
    const name = `tgpeer-${randomBytes(3).toString('hex')}`;
    try {
      await ensureLocalUser(name, 'first-Passw0rd');
      const created = await accountOf(name);
      expect(created.hash).toMatch(/^\$6\$/);

      await runCommandOrThrow('/usr/sbin/usermod', ['--shell', '/bin/sh', '--password', '!', name]);
      await ensureLocalUser(name, 'first-Passw0rd');
      expect(await accountOf(name)).toEqual(created);

      await ensureLocalUser(name, 'second-Passw0rd');
      const changed = await accountOf(name);
      expect(changed.hash).toMatch(/^\$6\$/);
      expect(changed.hash).not.toBe(created.hash);
    } finally {
      await runCommandOrThrow('/usr/sbin/userdel', ['--remove', name]);
    }
  });
});
