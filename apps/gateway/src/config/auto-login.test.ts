import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, parseConfig } from './load.js';
import { Secret } from './secret.js';

const PASSWORD = 'pw-0f3c9-correct-horse';

function problems(text: string): string[] {
  try {
    parseConfig(text);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((issue) => `${issue.where}: ${issue.message}`);
  }
  throw new Error('expected the configuration to be refused');
}

const target = (autoLogin: string) =>
  `targets:\n  - id: t\n    host: h.example\n    port: 23\n    autoLogin: ${autoLogin}\n`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'telgate-autologin-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('targets[].autoLogin', () => {
  it('fills in the default prompts and timeout', () => {
    const config = parseConfig(target(`{ username: alice, password: "${PASSWORD}" }`));
    const autoLogin = config.targets[0]?.autoLogin;
    expect(autoLogin?.username).toBe('alice');
    expect(autoLogin?.password?.reveal()).toBe(PASSWORD);
    expect(autoLogin?.timeoutMs).toBe(10_000);
    expect(autoLogin?.fromToken).toBe(false);
    expect(autoLogin?.usernamePrompt.test('Debian GNU/Linux\r\nhost LOGIN: ')).toBe(true);
    expect(autoLogin?.usernamePrompt.test('Username:')).toBe(true);
    expect(autoLogin?.passwordPrompt.test('Password: ')).toBe(true);
    expect(autoLogin?.passwordPrompt.test('Password: and more')).toBe(false);
    expect(autoLogin?.shellPrompt.test('peer$ ')).toBe(true);
  });

  it('takes prompts as bare patterns (case-insensitive) or /pattern/flags', () => {
    const config = parseConfig(
      target(
        '{ username: a, password: b, usernamePrompt: "Benutzer:\\\\s*$", passwordPrompt: "/Kennwort:$/" }',
      ),
    );
    const autoLogin = config.targets[0]?.autoLogin;
    expect(autoLogin?.usernamePrompt.test('BENUTZER: ')).toBe(true);
    expect(autoLogin?.passwordPrompt.test('Kennwort:')).toBe(true);
    expect(autoLogin?.passwordPrompt.test('KENNWORT:')).toBe(false);
  });

  it('reads the password from a file (without its final line break) or the environment', async () => {
    const file = join(dir, 'password');
    await writeFile(file, `${PASSWORD}\n`);
    expect(
      parseConfig(
        target(`{ username: a, passwordFile: "${file}" }`),
      ).targets[0]?.autoLogin?.password?.reveal(),
    ).toBe(PASSWORD);
    vi.stubEnv('TELGATE_TEST_LOGIN_PASSWORD', PASSWORD);
    expect(
      parseConfig(
        target('{ username: a, passwordEnv: TELGATE_TEST_LOGIN_PASSWORD }'),
      ).targets[0]?.autoLogin?.password?.reveal(),
    ).toBe(PASSWORD);
  });

  it('names the key when the file or the variable is missing, and never shows a password', async () => {
    const missing = join(dir, 'no-such-file');
    expect(problems(target(`{ username: a, passwordFile: "${missing}" }`))).toEqual([
      `targets[0].autoLogin.passwordFile (line 5): cannot be read (no such file): "${missing}"`,
    ]);
    vi.stubEnv('TELGATE_TEST_UNSET_PASSWORD', '');
    expect(problems(target('{ username: a, passwordEnv: TELGATE_TEST_UNSET_PASSWORD }'))).toEqual([
      'targets[0].autoLogin.passwordEnv (line 5): the environment variable TELGATE_TEST_UNSET_PASSWORD is not set (or empty)',
    ]);
    const twoLines = join(dir, 'two-lines');
    await writeFile(twoLines, `${PASSWORD}\nsecond line\n`);
    const message = problems(target(`{ username: a, passwordFile: "${twoLines}" }`)).join('\n');
    expect(message).toContain('targets[0].autoLogin.passwordFile');
    expect(message).toContain('line break');
    expect(message).not.toContain(PASSWORD);
  });

  it('refuses incomplete, ambiguous or unusable settings', () => {
    expect(problems(target('{ username: a }'))).toEqual([
      'targets[0].autoLogin (line 5): has a username but no password: give password, passwordFile or passwordEnv',
    ]);
    expect(problems(target('{ password: b }'))).toEqual([
      'targets[0].autoLogin (line 5): has a password but no username',
    ]);
    expect(problems(target('{}'))).toEqual([
      'targets[0].autoLogin (line 5): needs username with a password (passwordFile or passwordEnv), or fromToken: true',
    ]);
    expect(problems(target('{ username: a, password: b, passwordEnv: B }'))).toEqual([
      'targets[0].autoLogin.passwordEnv (line 5): only one of password, passwordFile or passwordEnv may be given',
    ]);
    expect(problems(target('{ username: a, password: b, usernamePrompt: "(" }'))[0]).toMatch(
      /^targets\[0\]\.autoLogin\.usernamePrompt \(line 5\): is not a regular expression/,
    );
    expect(problems(target('{ username: a, password: b, passwordEnv: "1X" }'))).toContain(
      'targets[0].autoLogin.passwordEnv (line 5): must be an environment variable name (letters, digits and "_")',
    );
    expect(problems(target('{ username: a, password: b, timeoutMs: 10 }'))).toEqual([
      'targets[0].autoLogin.timeoutMs (line 5): must be ≥ 500',
    ]);
  });

  it('may take its credentials from tokens only', () => {
    const autoLogin = parseConfig(target('{ fromToken: true }')).targets[0]?.autoLogin;
    expect(autoLogin?.fromToken).toBe(true);
    expect(autoLogin?.username).toBeUndefined();
    expect(autoLogin?.password).toBeUndefined();
  });

  it('keeps the password out of printed, serialised and logged configurations', () => {
    const config = parseConfig(target(`{ username: a, password: "${PASSWORD}" }`));
    expect(JSON.stringify(config)).not.toContain(PASSWORD);
    expect(inspect(config, { depth: 10 })).not.toContain(PASSWORD);
    expect(`${config.targets[0]?.autoLogin?.password}`).toBe('[secret]');
    expect(new Secret(PASSWORD).reveal()).toBe(PASSWORD);
  });
});
