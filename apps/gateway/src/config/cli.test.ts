import { describe, expect, it } from 'vitest';
import { loadConfig, readCommandLine, UsageError } from './cli.js';

describe('readCommandLine', () => {
  it('takes nothing to mean the built-in defaults', async () => {
    const commandLine = readCommandLine([], {});
    expect(commandLine).toEqual({ help: false, configPath: undefined, overrides: [] });
    const config = await loadConfig(commandLine);
    expect(config.listen).toEqual({ host: 'localhost', port: 8080 });
  });

  it('reads the environment, and lets options win over it', async () => {
    const env = {
      TELGATE_CONFIG: '/etc/telgate.yaml',
      TELGATE_HOST: '127.0.0.1',
      TELGATE_PORT: '9000',
      TELGATE_LOG_LEVEL: 'warn',
      TELGATE_HS256_SECRET: 's'.repeat(40),
    };
    const fromEnv = readCommandLine([], env);
    expect(fromEnv.configPath).toBe('/etc/telgate.yaml');
    expect(fromEnv.overrides).toEqual([
      { path: ['listen', 'host'], value: '127.0.0.1', source: 'TELGATE_HOST' },
      { path: ['listen', 'port'], value: 9000, source: 'TELGATE_PORT' },
      { path: ['logging', 'level'], value: 'warn', source: 'TELGATE_LOG_LEVEL' },
      { path: ['security', 'auth', 'hs256Secret'], value: 's'.repeat(40), source: 'TELGATE_HS256_SECRET' },
    ]);

    const both = readCommandLine(
      ['-c', 'mine.yaml', '--port', '0', '--host', '::1', '--log-level', 'debug'],
      env,
    );
    expect(both.configPath).toBe('mine.yaml');
    expect(both.overrides).toEqual([
      { path: ['listen', 'host'], value: '::1', source: '--host' },
      { path: ['listen', 'port'], value: 0, source: '--port' },
      { path: ['logging', 'level'], value: 'debug', source: '--log-level' },
      { path: ['security', 'auth', 'hs256Secret'], value: 's'.repeat(40), source: 'TELGATE_HS256_SECRET' },
    ]);
  });

  it('ignores empty environment variables', () => {
    expect(readCommandLine([], { TELGATE_PORT: '', TELGATE_CONFIG: '' })).toEqual({
      help: false,
      configPath: undefined,
      overrides: [],
    });
  });

  it('reports a bad port by the option that gave it', async () => {
    await expect(loadConfig(readCommandLine(['--port', 'eighty'], {}))).rejects.toThrow(
      'invalid configuration (built-in defaults):\n  listen.port (from --port): must be a whole number',
    );
    await expect(loadConfig(readCommandLine([], { TELGATE_PORT: '70000' }))).rejects.toThrow(
      'listen.port (from TELGATE_PORT): must be ≤ 65535',
    );
  });

  it('refuses a public listen address without auth, naming the address', async () => {
    await expect(loadConfig(readCommandLine(['--host', '0.0.0.0'], {}))).rejects.toThrow(
      /security\.auth\.mode: is "none", but the gateway listens on 0\.0\.0\.0/,
    );
  });

  it('refuses unknown options and stray arguments', () => {
    expect(() => readCommandLine(['--prot', '80'], {})).toThrow(UsageError);
    expect(() => readCommandLine(['serve'], {})).toThrow(UsageError);
    expect(() => readCommandLine(['--port'], {})).toThrow(UsageError);
  });

  it('asks for help', () => {
    expect(readCommandLine(['-h'], {}).help).toBe(true);
  });
});
