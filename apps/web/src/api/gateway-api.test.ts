import { describe, expect, it } from 'vitest';
import { ALL_CONTROLS } from '../ui/controls';
import {
  fetchPageConfig,
  fetchTargetCatalog,
  GatewayApiError,
  parsePageConfig,
  parseTargetCatalog,
} from './gateway-api';

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('parseTargetCatalog', () => {
  it('reads the gateway’s /api/targets body', () => {
    expect(
      parseTargetCatalog({
        targets: [{ id: 'demo', label: 'Demo host', host: '127.0.0.1', port: 2323, charset: 'CP437' }],
        freeForm: { enabled: true },
        auth: { mode: 'none' },
      }),
    ).toEqual({
      targets: [{ id: 'demo', label: 'Demo host', host: '127.0.0.1', port: 2323, charset: 'CP437' }],
      freeForm: true,
      authMode: 'none',
    });
  });

  it('skips malformed targets and defaults what is optional', () => {
    const catalog = parseTargetCatalog({
      targets: [
        { id: 'x', host: 'h', port: 23 },
        { id: '', host: 'h', port: 23 },
        { id: 'y', host: 'h', port: 0 },
        7,
      ],
    });
    expect(catalog).toEqual({
      targets: [{ id: 'x', label: 'x', host: 'h', port: 23, charset: 'UTF-8' }],
      freeForm: false,
      authMode: 'none',
    });
  });

  it('refuses a body without a target list', () => {
    expect(() => parseTargetCatalog({ targets: 'all' })).toThrow(GatewayApiError);
    expect(() => parseTargetCatalog(null)).toThrow(/unexpected shape/);
  });
});

describe('fetchTargetCatalog', () => {
  it('reports an HTTP error and an unreachable gateway with a code', async () => {
    await expect(fetchTargetCatalog(async () => json({}, 503))).rejects.toMatchObject({
      code: 'WEB_ERR_TARGETS_UNAVAILABLE',
      message: 'The gateway did not list its targets (HTTP 503).',
    });
    await expect(
      fetchTargetCatalog(async () => {
        throw new TypeError('Failed to fetch');
      }),
    ).rejects.toMatchObject({ code: 'WEB_ERR_TARGETS_UNAVAILABLE' });
    await expect(fetchTargetCatalog(async () => new Response('<html>'))).rejects.toMatchObject({
      code: 'WEB_ERR_BAD_RESPONSE',
    });
  });

  it('says what to do when the gateway lists its targets only to token holders', async () => {
    await expect(
      fetchTargetCatalog(async () => json({ code: 'GW_ERR_AUTH_FAILED' }, 401)),
    ).rejects.toMatchObject({
      code: 'WEB_ERR_TOKEN_REQUIRED',
      message: 'This gateway requires an access token. Open terminals from the site that links to them.',
    });
  });
});

describe('page config', () => {
  it('reads the embedding allowlist, keeping strings only', () => {
    expect(parsePageConfig({ embedAllowedOrigins: ['https://portal.example', 3] })).toEqual({
      embedAllowedOrigins: ['https://portal.example'],
      kioskControls: ALL_CONTROLS,
    });
    expect(parsePageConfig('nope')).toEqual({ embedAllowedOrigins: [], kioskControls: ALL_CONTROLS });
  });

  it('reads the controls a kiosk offers', () => {
    const { kioskControls } = parsePageConfig({
      embedAllowedOrigins: [],
      kiosk: { toolbar: ['interrupt'], settings: ['theme'] },
    });
    expect([...kioskControls.toolbar]).toEqual(['interrupt']);
    expect([...kioskControls.settings]).toEqual(['theme']);
  });

  it('allows no foreign parent when the gateway has no /api/config', async () => {
    expect(await fetchPageConfig(async () => json({ message: 'Not Found' }, 404))).toEqual({
      embedAllowedOrigins: [],
      kioskControls: ALL_CONTROLS,
    });
    expect(await fetchPageConfig(async () => json({ embedAllowedOrigins: ['https://a.example'] }))).toEqual({
      embedAllowedOrigins: ['https://a.example'],
      kioskControls: ALL_CONTROLS,
    });
  });
});
