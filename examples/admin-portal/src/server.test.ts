import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { escapeHtml, gatewayOrigin, type Portal, startPortal } from './server.js';

const SECRET = 'portal-test-secret-0123456789abcdef';
const SCRIPT = join(mkdtempSync(join(tmpdir(), 'portal-')), 'portal.js');
writeFileSync(SCRIPT, '/* page script */');

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** Authorization headers the fake gateway received. */
const authorizations: Array<string | undefined> = [];

/** A stand-in for the gateway's GET /api/targets. */
async function fakeGateway(targets: unknown): Promise<string> {
  const server: Server = createServer((req, res) => {
    if (req.url !== '/api/targets') return void res.writeHead(404).end();
    authorizations.push(req.headers.authorization);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ targets }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(() => new Promise((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function portalFor(gatewayUrl: string, secret: string | null = SECRET): Promise<Portal> {
  const portal = await startPortal({
    gatewayUrl,
    port: 0,
    scriptFile: SCRIPT,
    ...(secret ? { secret } : {}),
  });
  stops.push(() => portal.close());
  return portal;
}

const TARGETS = [
  { id: 'core-sw', label: 'Core switch', host: '10.0.0.2', port: 23 },
  { id: 'lab', label: 'Lab <router> & "friends"', host: '10.0.0.3', port: 23 },
];

describe('admin portal', () => {
  it('lists the gateway targets, with labels escaped', async () => {
    const portal = await portalFor(await fakeGateway(TARGETS));
    const response = await fetch(portal.url);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('data-device="core-sw">Core switch</a>');
    expect(html).toContain('Lab &#60;router&#62; &#38; &#34;friends&#34;');
    expect(html).not.toContain('<router>');
    expect(html).not.toContain('<iframe');
  });

  it('embeds the picked device with a short-lived token for that target only', async () => {
    const gateway = await fakeGateway(TARGETS);
    const portal = await portalFor(gateway);
    const response = await fetch(`${portal.url}/?device=core-sw&renderer=dom`);
    const html = await response.text();
    const src = /<iframe id="console"[^>]* src="([^"]+)"/.exec(html)?.[1];
    expect(src).toBeDefined();
    const embed = new URL(src!.replaceAll('&#38;', '&'));
    expect(embed.origin).toBe(gateway);
    expect(embed.pathname).toBe('/embed');
    expect(embed.searchParams.get('target')).toBe('core-sw');
    expect(embed.searchParams.get('renderer')).toBe('dom');
    const { payload, protectedHeader } = await jwtVerify(
      embed.searchParams.get('token')!,
      new TextEncoder().encode(SECRET),
    );
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload.tgt).toBe('core-sw');
    expect(payload.sub).toBe('portal-admin');
    expect(payload.exp! - payload.iat!).toBe(60);
    // Only the gateway may be framed; only the portal's own script runs.
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`frame-src ${gateway}`);
    expect(csp).toContain("script-src 'self'");
  });

  it('asks for the target list with a token that lists every target and opens none', async () => {
    authorizations.length = 0;
    const portal = await portalFor(await fakeGateway(TARGETS));
    expect((await fetch(portal.url)).status).toBe(200);
    const bearer = /^Bearer (.+)$/.exec(authorizations[0] ?? '')?.[1];
    const { payload } = await jwtVerify(bearer ?? '', new TextEncoder().encode(SECRET));
    expect(payload.tgt).toBe('*');
  });

  it('sends no token to a gateway without auth', async () => {
    authorizations.length = 0;
    const portal = await portalFor(await fakeGateway(TARGETS), null);
    await fetch(portal.url);
    expect(authorizations).toEqual([undefined]);
    const html = await (await fetch(`${portal.url}/?device=lab`)).text();
    expect(html).toMatch(/<iframe id="console"[^>]* src="[^"]*\/embed\?target=lab&#38;bar=1&#38;theme=dark"/);
  });

  it('answers 404 for an unknown device and 502 when the gateway is down', async () => {
    const portal = await portalFor(await fakeGateway(TARGETS));
    const unknown = await fetch(`${portal.url}/?device=%3Cx%3E`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('There is no device &#34;&#60;x&#62;&#34;.');

    const down = await portalFor('http://127.0.0.1:1');
    const response = await fetch(down.url);
    expect(response.status).toBe(502);
    expect(await response.text()).toContain('The gateway at http://127.0.0.1:1 cannot be reached');
  });

  it('mints a fresh token for a device on request, for known devices only', async () => {
    const portal = await portalFor(await fakeGateway(TARGETS));
    const response = await fetch(`${portal.url}/token?device=core-sw`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { token } = (await response.json()) as { token: string };
    const { payload } = await jwtVerify(token, new TextEncoder().encode(SECRET));
    expect(payload.tgt).toBe('core-sw');
    expect((await fetch(`${portal.url}/token?device=nope`)).status).toBe(404);
    expect((await fetch(`${portal.url}/token`)).status).toBe(404);
    // The page script may fetch it: the CSP lets it reach its own origin.
    const page = await fetch(`${portal.url}/?device=core-sw`);
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");

    const noAuth = await portalFor(await fakeGateway(TARGETS), null);
    expect((await fetch(`${noAuth.url}/token?device=core-sw`)).status).toBe(404);
  });

  it('links to the gateway recordings page with an operator token, only when asked to', async () => {
    const gateway = await fakeGateway(TARGETS);
    const portal = await startPortal({
      gatewayUrl: gateway,
      port: 0,
      scriptFile: SCRIPT,
      secret: SECRET,
      recordings: true,
    });
    stops.push(() => portal.close());
    expect(await (await fetch(`${portal.url}/`)).text()).toContain(
      '<a href="/recordings" data-recordings>Recordings</a>',
    );
    const response = await fetch(`${portal.url}/recordings`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(`${gateway}/recordings`);
    const { payload } = await jwtVerify(
      location.searchParams.get('token')!,
      new TextEncoder().encode(SECRET),
    );
    expect(payload).toMatchObject({ tgt: '*', 'telgate.grants': ['recordings'], sub: 'portal-admin' });

    const plain = await portalFor(gateway);
    expect(await (await fetch(`${plain.url}/`)).text()).not.toContain('Recordings');
    expect((await fetch(`${plain.url}/recordings`, { redirect: 'manual' })).status).toBe(404);
  });

  it('offers "Watch this session" with a watch token for that device only, when asked to', async () => {
    const gateway = await fakeGateway(TARGETS);
    const portal = await startPortal({
      gatewayUrl: gateway,
      port: 0,
      scriptFile: SCRIPT,
      secret: SECRET,
      watch: true,
      recordings: true,
    });
    stops.push(() => portal.close());
    // The page script shows the link once the terminal says which session is open.
    expect(await (await fetch(`${portal.url}/?device=lab`)).text()).toContain(
      '<a id="watch" hidden target="_blank" rel="noopener" data-watch>Watch this session</a>',
    );
    const response = await fetch(`${portal.url}/watch?device=lab&session=s-1&renderer=dom`, {
      redirect: 'manual',
    });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(`${gateway}/`);
    expect(location.searchParams.get('watch')).toBe('s-1');
    expect(location.searchParams.get('renderer')).toBe('dom');
    const key = new TextEncoder().encode(SECRET);
    const { payload } = await jwtVerify(location.searchParams.get('token')!, key);
    expect(payload).toMatchObject({ tgt: 'lab', 'telgate.grants': ['watch'], sub: 'portal-admin' });
    expect((payload.exp as number) - (payload.iat as number)).toBe(60);
    expect((await fetch(`${portal.url}/watch?device=nope&session=s-1`, { redirect: 'manual' })).status).toBe(
      404,
    );
    expect((await fetch(`${portal.url}/watch?device=lab`, { redirect: 'manual' })).status).toBe(400);
    // The recordings page's token may list the live sessions too.
    const recordings = new URL(
      (await fetch(`${portal.url}/recordings`, { redirect: 'manual' })).headers.get('location')!,
    );
    const operator = await jwtVerify(recordings.searchParams.get('token')!, key);
    expect(operator.payload['telgate.grants']).toEqual(['recordings', 'watch']);

    const plain = await portalFor(gateway);
    expect(await (await fetch(`${plain.url}/?device=lab`)).text()).not.toContain('Watch this session');
    expect((await fetch(`${plain.url}/watch?device=lab&session=s-1`, { redirect: 'manual' })).status).toBe(
      404,
    );
  });

  it('tells the page script the theme it gave the terminal, so the toggle flips it at once', async () => {
    const portal = await portalFor(await fakeGateway(TARGETS));
    for (const [asked, theme] of [
      ['', 'dark'],
      ['&theme=light', 'light'],
      ['&theme=dark', 'dark'],
    ] as const) {
      const html = await (await fetch(`${portal.url}/?device=core-sw${asked}`)).text();
      expect(html).toContain(`data-theme="${theme}"`);
      const src = /<iframe id="console"[^>]* src="([^"]+)"/.exec(html)?.[1] ?? '';
      expect(new URL(src.replaceAll('&#38;', '&')).searchParams.get('theme')).toBe(theme);
    }
  });

  it('serves its page script and nothing else', async () => {
    const portal = await portalFor(await fakeGateway(TARGETS));
    const script = await fetch(`${portal.url}/portal.js`);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(await script.text()).toBe('/* page script */');
    expect((await fetch(`${portal.url}/../etc/passwd`)).status).toBe(404);
    expect((await fetch(portal.url, { method: 'POST' })).status).toBe(405);
  });

  it('refuses a gateway URL that is not http(s), and escapes every HTML-special character', () => {
    expect(() => gatewayOrigin('javascript:alert(1)')).toThrow(/must be http\(s\)/);
    expect(gatewayOrigin('https://gw.example/some/path')).toBe('https://gw.example');
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe(
      '&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;&#60;/a&#62;',
    );
  });
});
