import { PROMPT, SUPDUP_DEMO_GREETING } from '@telgate/demo-host';
import { afterEach, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from './main.js';
import { createTelnetRelay } from './relay/index.js';
import { TerminalClient } from './testing/terminal-client.js';

let gateway: RunningGateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

it('with no configuration, serves the built-in demo host as a live session', async () => {
  const told: string[] = [];
  const result = await startGateway({
    argv: ['--host', '127.0.0.1', '--port', '0', '--log-level', 'silent'],
    env: {},
    tell: (text) => told.push(text),
    deps: () => ({ onSession: createTelnetRelay(), webRoot: null }),
  });
  if (!result.ok) throw new Error(`did not start: ${told.join('')}`);
  gateway = result.gateway;

  const targets = (await gateway.app.inject('/api/targets')).json() as {
    targets: Array<{ id: string; port: number }>;
  };
  const demo = targets.targets.find((t) => t.id === 'demo');
  expect(demo?.port).toBeGreaterThan(0);

  const client = await TerminalClient.open(gateway.app, '/ws?target=demo');
  try {
    client.send({ type: 'resize', cols: 100, rows: 30 });
    await client.waitForText(PROMPT);
    client.type('stty size\r');
    await client.waitForText('30 100');
    client.send({ type: 'action', action: 'logout' });
    await client.waitForFrame('logout-result', (f) => f.result === 'accepted');
  } finally {
    client.close();
  }
});

it('with no configuration, offers the built-in SUPDUP demo: greeting, login, full-screen page, keys', async () => {
  const told: string[] = [];
  const result = await startGateway({
    argv: ['--host', '127.0.0.1', '--port', '0', '--log-level', 'silent'],
    env: {},
    tell: (text) => told.push(text),
    deps: () => ({ onSession: createTelnetRelay(), webRoot: null }),
  });
  if (!result.ok) throw new Error(`did not start: ${told.join('')}`);
  gateway = result.gateway;

  const targets = (await gateway.app.inject('/api/targets')).json() as {
    targets: Array<{ id: string; port: number; label: string }>;
  };
  expect(targets.targets.find((t) => t.id === 'demo-supdup')).toMatchObject({
    label: 'SUPDUP demo (built in)',
  });

  const client = await TerminalClient.open(gateway.app, '/ws?target=demo-supdup');
  try {
    client.send({ type: 'resize', cols: 80, rows: 24 });
    await client.waitForFrame('notice', (f) => f.notice.kind === 'supdup');
    await client.waitForText(SUPDUP_DEMO_GREETING);
    await client.waitForText('login: ');
    client.type('ann\r');
    await client.waitForText('SUPDUP demo for ann');
    // The demo's %TDORS is answered with the cursor where the page left it.
    await client.waitForText('cursor reported at 12,33');
    client.type('\x1bx\x18');
    await client.waitForText('key M-x (octal 0570)');
    await client.waitForText('key ^X (octal 0030)');
    client.send({ type: 'action', action: 'logout' });
    expect((await client.closed).reason).toContain('GW_ERR_LOGGED_OUT');
  } finally {
    client.close();
  }
});
