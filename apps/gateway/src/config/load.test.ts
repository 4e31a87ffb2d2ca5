import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Opt } from '@telgate/telnet-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindDemoTarget } from './defaults.js';
import { ConfigError, formatPath, loadConfigFile, parseConfig } from './load.js';
import { KIOSK_SETTINGS, KIOSK_TOOLBAR_ITEMS } from './types.js';

/** The problems parseConfig reports, as `where: message` lines. */
function problems(text: string, options?: Parameters<typeof parseConfig>[1]): string[] {
  try {
    parseConfig(text, options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((issue) => `${issue.where}: ${issue.message}`);
  }
  throw new Error('expected the configuration to be refused');
}

const SECRET = 'x'.repeat(32);

describe('parseConfig: defaults', () => {
  it('runs with no configuration at all: localhost:8080 and the built-in demo target', () => {
    const config = parseConfig('');
    expect(config.listen).toEqual({ host: 'localhost', port: 8080 });
    expect(config.targets).toHaveLength(2);
    expect(config.targets[0]).toMatchObject({
      id: 'demo',
      host: '127.0.0.1',
      charset: 'UTF-8',
      negotiation: 'active',
      builtIn: 'demo',
    });
    expect(config.targets[1]).toMatchObject({
      id: 'demo-supdup',
      protocol: 'supdup',
      builtIn: 'demo-supdup',
    });
    expect(config.demo).toEqual({ enabled: true, port: 0 });
    expect(config.freeForm.enabled).toBe(false);
    expect(config.security.auth).toEqual({
      mode: 'none',
      forceNoneOnPublic: false,
      maxTokenLifetimeSeconds: 3600,
    });
    expect(config.limits.maxPayloadBytes).toBe(65536);
    expect(config.logging.level).toBe('info');
  });

  it('leaves the demo out once targets are configured, unless asked for', () => {
    const targets = 'targets:\n  - { id: bbs, host: bbs.example.org, port: 23 }\n';
    expect(parseConfig(targets).targets.map((t) => t.id)).toEqual(['bbs']);
    expect(parseConfig(`${targets}demo: { enabled: true }\n`).targets.map((t) => t.id)).toEqual([
      'bbs',
      'demo',
      'demo-supdup',
    ]);
  });

  it('points the demo target at the port its host got', () => {
    const bound = bindDemoTarget(parseConfig(''), 40123, 40124);
    expect(bound.targets.map((t) => [t.id, t.port])).toEqual([
      ['demo', 40123],
      ['demo-supdup', 40124],
    ]);
    expect(bound.demo.port).toBe(40123);
    expect(bindDemoTarget(parseConfig(''), 40123).targets.map((t) => t.id)).toEqual(['demo']);
  });

  it('reads JSON as well as YAML', () => {
    const config = parseConfig('{"listen": {"port": 9000}, "logging": {"level": "debug"}}');
    expect(config.listen.port).toBe(9000);
    expect(config.logging.level).toBe('debug');
  });
});

describe('parseConfig: targets', () => {
  it('fills settings from defaults and decides auto negotiation by port', () => {
    const config = parseConfig(`
targets:
  - id: bbs
    label: The BBS
    host: BBS.Example.org.
    port: 23
    charset: CP437
    eol: crnul
    backspace: bs
    options:
      NAWS: refuse
      new-environ: { local: accept }
      24: { remote: refuse }
  - id: mud
    host: 2001:DB8::1
    port: 4000
    protocol: raw
    idleTimeoutSeconds: 0
`);
    const [bbs, mud] = config.targets;
    expect(bbs).toMatchObject({
      id: 'bbs',
      label: 'The BBS',
      host: 'bbs.example.org',
      port: 23,
      charset: 'CP437',
      eol: 'crnul',
      backspace: 'bs',
      negotiation: 'active',
      terminalTypes: ['xterm-256color', 'xterm', 'vt100'],
      idleTimeoutSeconds: 3600,
      interruptFlush: 'timing-mark',
      synchOnInterrupt: false,
    });
    expect(bbs?.options).toEqual({
      [Opt.NAWS]: { local: 'refuse', remote: 'refuse' },
      [Opt.NEW_ENVIRON]: { local: 'accept' },
      [Opt.TTYPE]: { remote: 'refuse' },
    });
    expect(mud).toMatchObject({
      label: 'mud',
      host: '2001:db8::1',
      negotiation: 'passive',
      protocol: 'raw',
      idleTimeoutSeconds: 0,
    });
  });

  it('speaks SUPDUP to a target with protocol supdup, on port 95 unless given; other targets need a port', () => {
    const config = parseConfig(`
targets:
  - { id: its, host: its.example, protocol: supdup }
  - { id: its2, host: its.example, port: 9595, protocol: supdup }
`);
    expect(config.targets.map((t) => [t.protocol, t.port, t.negotiation])).toEqual([
      ['supdup', 95, 'passive'],
      ['supdup', 9595, 'passive'],
    ]);
    expect(problems('targets: [{ id: a, host: a.example }]')).toEqual([
      'targets[0] (line 1): needs a port (only a SUPDUP target has a default: 95)',
    ]);
    expect(problems('targets: [{ id: a, host: a.example, port: 23, protocol: ssh }]')).toHaveLength(1);
    expect(problems('targets: [{ id: a, host: a.example, port: 95, mode: supdup }]')).toEqual([
      expect.stringMatching(/^targets\[0\]\.mode \(line 1\): unknown key \(allowed: .*\bprotocol\b/),
    ]);
  });

  it('gives a browser that falls behind the screen (output responsive) unless a target says lossless', () => {
    const config = parseConfig(`
targets:
  - { id: a, host: a.example, port: 23 }
  - { id: b, host: b.example, port: 23, output: lossless }
freeForm: { enabled: true, defaults: { output: lossless } }
`);
    expect(config.targets.map((t) => t.output)).toEqual(['responsive', 'lossless']);
    expect(parseConfig('').targets.map((t) => t.output)).toEqual(['responsive', 'responsive']);
    expect(config.freeForm.defaults.output).toBe('lossless');
    expect(parseConfig('freeForm: { enabled: true }').freeForm.defaults.output).toBe('responsive');
    expect(problems('targets: [{ id: a, host: a.example, port: 23, output: fast }]')).toHaveLength(1);
  });

  it('takes the idle timeout default from limits', () => {
    const config = parseConfig(
      'limits: { idleTimeoutSeconds: 60 }\ntargets: [{ id: a, host: a.example, port: 23 }]',
    );
    expect(config.targets[0]?.idleTimeoutSeconds).toBe(60);
    expect(config.freeForm.defaults.idleTimeoutSeconds).toBe(60);
  });

  it('keeps sessions for 300 s to be resumed unless a target says otherwise, and caps detached ones', () => {
    const config = parseConfig(`
targets:
  - { id: a, host: a.example, port: 23 }
  - { id: b, host: b.example, port: 23, resume: { graceSeconds: 0 } }
limits: { maxDetachedSessions: 5, maxScreenStateBytes: 1048576 }
`);
    expect(config.targets.map((t) => t.resume.graceSeconds)).toEqual([300, 0]);
    expect(config.limits).toMatchObject({ maxDetachedSessions: 5, maxScreenStateBytes: 1048576 });
    expect(parseConfig('').limits).toMatchObject({
      maxDetachedSessions: 50,
      maxScreenStateBytes: 128 * 1024 * 1024,
    });
    expect(() =>
      parseConfig('targets: [{ id: a, host: a.example, port: 23, resume: { grace: 1 } }]'),
    ).toThrow(/resume/);
  });

  it('names the key and the line of each problem', () => {
    expect(
      problems(
        `targets:
  - id: one
    host: one.example
    port: 23
  - id: two
    host: two.example
    port: 70000
  - id: three
    host: three.example
    port: 23
    chrset: CP437
  - host: four.example
    port: 23
`,
        { sourceName: 'gateway.yaml' },
      ),
    ).toEqual([
      'targets[1].port (line 7): must be ≤ 65535',
      'targets[2].chrset (line 11): unknown key; did you mean "charset"?',
      'targets[3] (line 12): needs "id"',
    ]);
  });

  it('checks what the schema cannot: charsets, option names, hosts, duplicate ids', () => {
    expect(
      problems(`targets:
  - id: a
    host: a.example
    port: 23
    charset: NOT-A-CHARSET
  - id: a
    host: "bad host"
    port: 23
    charset: UTF-16
    options:
      FROBNICATE: accept
      NAWS: sometimes
      TTYPE: { local: accept, middle: refuse }
`),
    ).toEqual([
      'targets[0].charset (line 5): "NOT-A-CHARSET" is not a known character set (e.g. UTF-8, CP437, ISO-8859-1, CP866, KOI8-R, GBK, Big5, Shift_JIS, EUC-KR)',
      'targets[1].id (line 6): "a" is already the id of targets[0]',
      'targets[1].host (line 7): "bad host" is not a host name or IP address',
      'targets[1].charset (line 9): "UTF-16" does not keep ASCII as it is, so it cannot carry a Telnet session',
      'targets[1].options.FROBNICATE (line 11): "FROBNICATE" is not a Telnet option name (e.g. NAWS, TTYPE, ECHO) or code 0-255',
      "targets[1].options.NAWS (line 12): must be one of 'refuse', 'accept', 'request', or { local, remote } with those values",
      'targets[1].options.TTYPE.middle (line 13): unknown key (allowed: local, remote)',
    ]);
  });

  it.each([
    'CP437',
    'ISO-8859-1',
    'ISO-8859-15',
    'CP866',
    'KOI8-R',
    'GBK',
    'Big5',
    'Shift_JIS',
    'EUC-KR',
    'windows-1251',
  ])('accepts the charset %s', (charset) => {
    expect(
      parseConfig(`targets: [{ id: t, host: h.example, port: 23, charset: ${charset} }]`).targets[0]?.charset,
    ).toBe(charset);
  });

  it('takes a terminal mode per target: BBS mode shows a CP437 host with the PC glyphs', () => {
    const config = parseConfig(`
freeForm: { defaults: { terminal: { mode: mud } } }
targets:
  - { id: bbs, host: h.example, port: 23, terminal: { mode: bbs } }
  - { id: bbs437, host: h.example, port: 23, charset: cp437, terminal: { mode: bbs } }
  - { id: bbsutf8, host: h.example, port: 23, charset: UTF-8, terminal: { mode: bbs } }
  - { id: plain437, host: h.example, port: 23, charset: CP437, terminal: { mode: normal } }
  - { id: inherits, host: h.example, port: 23 }
`);
    expect(config.targets.map((t) => [t.id, t.terminalMode, t.charset])).toEqual([
      ['bbs', 'bbs', 'CP437-glyphs'],
      ['bbs437', 'bbs', 'CP437-glyphs'],
      ['bbsutf8', 'bbs', 'UTF-8'],
      ['plain437', 'normal', 'CP437'],
      ['inherits', 'normal', 'UTF-8'],
    ]);
    expect(config.freeForm.defaults.terminalMode).toBe('mud');
    expect(parseConfig('').freeForm.defaults.terminalMode).toBe('normal');
    expect(problems('targets: [{ id: t, host: h.example, port: 23, terminal: { mode: ansi } }]')).toEqual([
      "targets[0].terminal.mode (line 1): must be one of 'normal', 'bbs', 'mud'",
    ]);
  });

  it('reports enum and type mistakes in words', () => {
    expect(problems('targets: [{ id: t, host: h.example, port: "23", eol: cr }]')).toEqual([
      'targets[0].port (line 1): must be a whole number',
      "targets[0].eol (line 1): must be one of 'crlf', 'crnul', 'lf'",
    ]);
    expect(problems('targets: [{ id: "-t", host: h.example, port: 23 }]')).toEqual([
      'targets[0].id (line 1): must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    ]);
  });

  it('keeps the demo id for the demo', () => {
    expect(problems('targets: [{ id: demo, host: h.example, port: 23 }]\ndemo: { enabled: true }')).toEqual([
      'targets[0].id (line 1): "demo" is the id of the built-in demo host; rename this target or set demo.enabled: false',
    ]);
  });
});

describe('parseConfig: kiosk', () => {
  const targets =
    'targets:\n  - { id: line1, host: plc.example.org, port: 23 }\n  - { id: bbs, host: bbs.example.org, port: 23 }\n';

  it('pins the gateway to the kiosk target and drops an unused demo host', () => {
    const config = parseConfig(`${targets}demo: { enabled: true }\nkiosk: { target: line1 }\n`);
    expect(config.kiosk).toEqual({
      target: 'line1',
      toolbar: [...KIOSK_TOOLBAR_ITEMS],
      settings: [...KIOSK_SETTINGS],
    });
    expect(config.targets.map((t) => t.id)).toEqual(['line1']);
    expect(config.demo.enabled).toBe(false);
  });

  it('can be a kiosk on the demo host', () => {
    const config = parseConfig('kiosk: { target: demo }\n');
    expect(config.targets.map((t) => t.id)).toEqual(['demo']);
    expect(config.demo.enabled).toBe(true);
  });

  it('refuses an unknown kiosk target, and free-form hosts beside a kiosk', () => {
    expect(problems(`${targets}kiosk: { target: line9 }\n`)).toEqual([
      'kiosk.target (line 4): "line9" is not a configured target (targets: line1, bbs)',
    ]);
    expect(problems(`${targets}kiosk: { target: line1 }\nfreeForm: { enabled: true }\n`)).toEqual([
      'freeForm.enabled (line 5): free-form hosts cannot be offered by a kiosk (kiosk.target is set)',
    ]);
    expect(problems('kiosk: {}\n')).toEqual([expect.stringMatching(/^kiosk.*target/)]);
  });

  it('chooses the toolbar items and settings the kiosk shows, down to none', () => {
    const config = parseConfig(
      `${targets}kiosk: { target: line1, toolbar: [interrupt, fullscreen], settings: [] }\n`,
    );
    expect(config.kiosk).toEqual({ target: 'line1', toolbar: ['interrupt', 'fullscreen'], settings: [] });
    expect(parseConfig(`${targets}kiosk: { target: line1, toolbar: [] }\n`).kiosk?.toolbar).toEqual([]);
  });

  it('refuses unknown toolbar items and settings', () => {
    expect(problems(`${targets}kiosk: { target: line1, toolbar: [reboot] }\n`)).toEqual([
      expect.stringMatching(/^kiosk\.toolbar\[0\]/),
    ]);
    expect(problems(`${targets}kiosk: { target: line1, settings: [colour] }\n`)).toEqual([
      expect.stringMatching(/^kiosk\.settings\[0\]/),
    ]);
  });
});

describe('parseConfig: free-form targets', () => {
  it('parses allow rules', () => {
    const config = parseConfig(`
freeForm:
  enabled: true
  allow:
    - cidr: 192.0.2.0/24
      ports: "23, 2323, 4000-4100"
    - host: "*.Example.org"
      ports: [23, "6000-6001"]
    - cidr: 2001:db8::/32
  defaults:
    charset: CP437
    negotiation: passive
`);
    expect(config.freeForm.enabled).toBe(true);
    expect(config.freeForm.allow).toEqual([
      {
        kind: 'cidr',
        cidr: expect.objectContaining({ text: '192.0.2.0/24' }),
        ports: [
          { from: 23, to: 23 },
          { from: 2323, to: 2323 },
          { from: 4000, to: 4100 },
        ],
      },
      {
        kind: 'host',
        host: '*.example.org',
        ports: [
          { from: 23, to: 23 },
          { from: 6000, to: 6001 },
        ],
      },
      {
        kind: 'cidr',
        cidr: expect.objectContaining({ text: '2001:db8::/32' }),
        ports: [{ from: 23, to: 23 }],
      },
    ]);
    expect(config.freeForm.defaults).toMatchObject({ charset: 'CP437', negotiation: 'passive' });
  });

  it('explains bad rules', () => {
    expect(
      problems(`freeForm:
  allow:
    - cidr: 10.0.0.0/33
    - host: 10.1.2.3
    - { cidr: 10.0.0.0/8, host: a.example }
    - host: a.example
      ports: "100-50"
    - host: a.example
      ports: 0
`),
    ).toEqual([
      'freeForm.allow[0].cidr (line 3): prefix length must be a whole number from 0 to 32',
      'freeForm.allow[1].host (line 4): is an IP address; write it as cidr: "10.1.2.3"',
      'freeForm.allow[2] (line 5): needs exactly one of "cidr" (an address block) or "host" (a host name)',
      'freeForm.allow[3].ports (line 7): "100-50": the range runs backwards',
      'freeForm.allow[4].ports (line 9): "0": ports run from 1 to 65535',
    ]);
  });
});

describe('parseConfig: security', () => {
  it('refuses auth mode none on an address other machines reach, unless forced', () => {
    expect(problems('listen: { host: 0.0.0.0 }')).toEqual([
      expect.stringMatching(
        /^security\.auth\.mode: is "none", but the gateway listens on 0\.0\.0\.0, which other machines can reach/,
      ),
    ]);
    expect(
      parseConfig('listen: { host: 0.0.0.0 }\nsecurity: { auth: { forceNoneOnPublic: true } }').listen.host,
    ).toBe('0.0.0.0');
    expect(
      parseConfig(`listen: { host: "::" }\nsecurity: { auth: { mode: token, hs256Secret: "${SECRET}" } }`)
        .security.auth.mode,
    ).toBe('token');
    for (const host of ['127.0.0.1', '::1', 'localhost']) {
      expect(parseConfig(`listen: { host: "${host}" }`).listen.host).toBe(host);
    }
  });

  it('checks token keys', () => {
    expect(problems('security: { auth: { mode: token } }')).toEqual([
      'security.auth.mode (line 1): is "token", which needs hs256Secret or eddsaPublicKey (or both) to check tokens with',
    ]);
    expect(problems('security: { auth: { mode: token, hs256Secret: short } }')).toEqual([
      'security.auth.hs256Secret (line 1): must be at least 32 characters (e.g. the output of: openssl rand -base64 32)',
    ]);
    expect(problems('security: { auth: { mode: token, eddsaPublicKey: "not a key" } }')).toEqual([
      'security.auth.eddsaPublicKey (line 1): must be a PEM public key ("-----BEGIN PUBLIC KEY-----…") or a JWK',
    ]);
    expect(
      problems(
        'security: { auth: { mode: token, eddsaPublicKey: { kty: OKP, crv: Ed25519, x: AA, d: AA } } }',
      ),
    ).toEqual([
      'security.auth.eddsaPublicKey (line 1): is a private JWK (it has "d"); give the public key only',
    ]);
  });

  it('normalizes allowed origins and checks frame ancestors', () => {
    const config = parseConfig(
      "security:\n  allowedOrigins: ['HTTPS://Portal.Example.org:443', 'http://localhost:3000']\n  frameAncestors: [\"'self'\", 'https://*.example.org']",
    );
    expect(config.security.allowedOrigins).toEqual(['https://portal.example.org', 'http://localhost:3000']);
    expect(config.security.frameAncestors).toEqual(["'self'", 'https://*.example.org']);
    expect(
      problems(
        "security:\n  allowedOrigins: ['https://example.org/path']\n  frameAncestors: [\"'self'; script-src *\"]",
      ),
    ).toEqual([
      'security.allowedOrigins[0] (line 2): "https://example.org/path" is not an origin such as https://example.org:8443 (or *)',
      `security.frameAncestors[0] (line 3): "'self'; script-src *" is not a CSP source such as 'self' or https://example.org`,
    ]);
  });
});

describe('parseConfig: public hosts', () => {
  it('takes host names and wildcards, lower case, and refuses anything else', () => {
    const config = parseConfig("security: { publicHosts: ['Term.Example.org', '*.example.net'] }");
    expect(config.security.publicHosts).toEqual(['term.example.org', '*.example.net']);
    expect(parseConfig('').security.publicHosts).toEqual([]);
    expect(
      problems("security: { publicHosts: ['https://term.example.org', '10.0.0.1', 'term.example.org:443'] }"),
    ).toEqual([
      'security.publicHosts[0] (line 1): "https://term.example.org" is not a host name such as term.example.org (or *.example.org), without scheme or port',
      'security.publicHosts[1] (line 1): "10.0.0.1" is an IP address, which is always accepted; list host names only',
      'security.publicHosts[2] (line 1): "term.example.org:443" is not a host name such as term.example.org (or *.example.org), without scheme or port',
    ]);
  });
});

describe('parseConfig: trustProxy', () => {
  it('takes a hop count or proxy addresses, and refuses true with what to write instead', () => {
    expect(parseConfig('').security.trustProxy).toBe(false);
    expect(parseConfig('security: { trustProxy: 1 }').security.trustProxy).toBe(1);
    expect(parseConfig('security: { trustProxy: 0 }').security.trustProxy).toBe(false);
    expect(
      parseConfig("security: { trustProxy: ['10.0.0.5', '10.1.0.0/16', 'loopback'] }").security.trustProxy,
    ).toEqual(['10.0.0.5', '10.1.0.0/16', 'loopback']);
    expect(problems('security: { trustProxy: true }')).toEqual([
      'security.trustProxy (line 1): true would take the client address from whatever a client writes in X-Forwarded-For; write the number of proxies in front of the gateway (e.g. 1), or their addresses (e.g. ["10.0.0.5", "10.1.0.0/16"])',
    ]);
    expect(problems("security: { trustProxy: ['proxy.example', '0.0.0.0/0'] }")).toEqual([
      'security.trustProxy[0] (line 1): "proxy.example" is not an IP address or CIDR block (or loopback, linklocal, uniquelocal)',
      'security.trustProxy[1] (line 1): "0.0.0.0/0" covers every address, which is the same as trusting any client',
    ]);
  });
});

describe('parseConfig: combinations that defeat a protection', () => {
  it('refuses any origin without tokens', () => {
    expect(problems("security: { allowedOrigins: ['https://a.example', '*'] }")).toEqual([
      'security.allowedOrigins[1] (line 1): "*" lets any web page a user visits open sessions in their name, and auth mode is "none"; list the origins of your pages, or use auth mode "token"',
    ]);
    const withTokens = parseConfig(
      `security: { allowedOrigins: ['*'], auth: { mode: token, hs256Secret: '${SECRET}' } }`,
    );
    expect(withTokens.security.allowedOrigins).toEqual(['*']);
  });

  it('refuses a per-client session limit above the total', () => {
    expect(problems('limits: { maxSessions: 5, maxSessionsPerIp: 6 }')).toEqual([
      'limits.maxSessionsPerIp (line 1): (6) is more than maxSessions (5), so one client could take every session; lower it or raise maxSessions',
    ]);
    expect(parseConfig('limits: { maxSessions: 1 }').limits.maxSessions).toBe(1);
  });
});

describe('parseConfig: limits and overrides', () => {
  it('keeps the low-water mark below the high-water mark', () => {
    expect(problems('limits: { highWaterBytes: 4096, lowWaterBytes: 8192 }')).toEqual([
      'limits.lowWaterBytes (line 1): lowWaterBytes (8192) must be below highWaterBytes (4096)',
    ]);
  });

  it('bounds how long a browser may keep its queue full', () => {
    expect(parseConfig('').limits.slowClientTimeoutMs).toBe(30_000);
    expect(parseConfig('limits: { slowClientTimeoutMs: 5000 }').limits.slowClientTimeoutMs).toBe(5000);
    expect(problems('limits: { slowClientTimeoutMs: 10 }')).toHaveLength(1);
  });

  it('pings browsers every 30 s by default, or as configured', () => {
    expect(parseConfig('').limits).toMatchObject({ pingIntervalMs: 30_000, pingTimeoutMs: 30_000 });
    expect(parseConfig('limits: { pingIntervalMs: 0 }').limits.pingIntervalMs).toBe(0);
    expect(problems('limits: { pingTimeoutMs: 0 }')).toHaveLength(1);
  });

  it('applies overrides over the file and names them in messages', () => {
    const config = parseConfig('listen: { host: 127.0.0.1, port: 9000 }', {
      overrides: [{ path: ['listen', 'port'], value: 9001, source: '--port' }],
    });
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 9001 });
    expect(
      problems('listen: { port: 9000 }', {
        overrides: [{ path: ['listen', 'port'], value: 'abc', source: 'TELGATE_PORT' }],
      }),
    ).toEqual(['listen.port (from TELGATE_PORT): must be a whole number']);
  });
});

describe('parseConfig: malformed files', () => {
  it('reports YAML syntax errors with their line', () => {
    expect(problems('listen:\n  port: 8080\ntargets: [1,\n', { sourceName: 'x.yaml' })[0]).toMatch(
      /^line \d+: /,
    );
    expect(problems('a: 1\na: 2')[0]).toMatch(/^line 2: Map keys must be unique/);
  });

  it('wants a mapping at the top', () => {
    expect(problems('- a\n- b')).toEqual([
      '(top level): must be a mapping of settings (listen, targets, security, …)',
    ]);
  });

  it('lists every problem in the error message, sorted by line', () => {
    let message = '';
    try {
      parseConfig('logging: { level: loud }\nlisten: { port: -1 }', { sourceName: 'gw.yaml' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(
      "invalid configuration (gw.yaml):\n  logging.level (line 1): must be one of 'fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'\n  listen.port (line 2): must be ≥ 0",
    );
  });
});

describe('telgate.example.yaml', () => {
  it('is a valid configuration that says what the defaults are', async () => {
    const file = fileURLToPath(new URL('../../telgate.example.yaml', import.meta.url));
    const example = await loadConfigFile(file);
    const defaults = parseConfig('');
    expect(example.targets.map((t) => t.id)).toEqual(['bbs', 'mud']);
    expect(example.limits).toEqual(defaults.limits);
    expect(example.listen).toEqual(defaults.listen);
    expect(example.security).toEqual(defaults.security);
    expect(example.logging).toEqual(defaults.logging);
    expect(example.cluster).toEqual(defaults.cluster);
  });
});

describe('formatPath', () => {
  it('writes paths the way people read them', () => {
    expect(formatPath(['targets', 2, 'port'])).toBe('targets[2].port');
    expect(formatPath(['targets', 0, 'options', 'new environ'])).toBe('targets[0].options["new environ"]');
    expect(formatPath([])).toBe('(top level)');
  });
});

describe('loadConfigFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'telgate-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file and names it in errors', async () => {
    const good = join(dir, 'good.yaml');
    await writeFile(good, 'listen:\n  port: 9100\n');
    expect((await loadConfigFile(good)).listen.port).toBe(9100);

    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{\n  "listen": {\n    "port": 123456\n  }\n}\n');
    await expect(loadConfigFile(bad)).rejects.toThrow(
      `invalid configuration (${bad}):\n  listen.port (line 3): must be ≤ 65535`,
    );
  });

  it('says so when the file is missing', async () => {
    const missing = join(dir, 'missing.yaml');
    await expect(loadConfigFile(missing)).rejects.toThrow(
      `invalid configuration (${missing}):\n  file: cannot be read: no such file`,
    );
  });
});
