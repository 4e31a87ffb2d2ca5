import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { GatewayError } from '../errors.js';
import { TEST_TIMEOUT_MS } from '../testing/gateway.js';
import {
  type LookupAddress,
  type LookupAll,
  LookupLimiter,
  planTarget,
  publicTargets,
  resolveAndCheck,
  type TargetRequest,
} from './policy.js';

const catalog = parseConfig(`
targets:
  - { id: bbs, label: The BBS, host: bbs.example.org, port: 23, charset: CP437 }
  - { id: local, host: 127.0.0.1, port: 2323 }
freeForm:
  enabled: true
  allow:
    - { cidr: 0.0.0.0/0, ports: "23, 4000-4100" }
    - { cidr: "::/0", ports: 23 }
    - { cidr: 10.1.0.0/16, ports: 23 }
    - { host: "*.lan.example", ports: 23 }
    - { host: metadata.example, ports: 80 }
`);

/** A resolver answering from a fixed table; names not in it do not exist. */
function fakeLookup(table: Record<string, string[]>): LookupAll {
  return async (name) => {
    const addresses = table[name];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

const lookup = fakeLookup({
  'bbs.example.org': ['203.0.113.9'],
  'public.example': ['8.8.8.8'],
  'rebind.example': ['127.0.0.1'],
  'metadata.example': ['169.254.169.254'],
  'mixed.example': ['10.9.9.9', '2606:4700::1111'],
  'office.lan.example': ['10.1.2.3'],
  'home.lan.example': ['192.168.1.5'],
  'nat64.example': ['64:ff9b::a9fe:a9fe'],
  'mapped.example': ['::ffff:127.0.0.1'],
  'translated.example': ['::ffff:0:a9fe:a9fe'],
  'nothing.example': [],
});

function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof GatewayError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a GatewayError');
}

async function resolveRequest(request: TargetRequest) {
  return resolveAndCheck(planTarget(catalog, request), { lookup, timeoutMs: 1000 });
}

async function resolveRefusal(request: TargetRequest): Promise<{ code: string; message: string }> {
  try {
    await resolveRequest(request);
  } catch (error) {
    if (error instanceof GatewayError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('planTarget', () => {
  it('finds configured targets by id', () => {
    const plan = planTarget(catalog, { target: 'bbs' });
    expect(plan.target).toMatchObject({ id: 'bbs', host: 'bbs.example.org', port: 23, charset: 'CP437' });
    expect(plan.allow).toBeUndefined();
  });

  it('refuses unknown ids and requests that name nothing or too much', () => {
    expect(refusal(() => planTarget(catalog, { target: 'nope' }))).toEqual({
      code: 'GW_ERR_UNKNOWN_TARGET',
      message: 'no target "nope" is configured',
    });
    expect(refusal(() => planTarget(catalog, {})).code).toBe('GW_ERR_UNKNOWN_TARGET');
    expect(refusal(() => planTarget(catalog, { target: 'bbs', host: 'x.example' })).code).toBe(
      'GW_ERR_UNKNOWN_TARGET',
    );
  });

  it('builds free-form targets from the defaults, port 23 unless given', () => {
    const plan = planTarget(catalog, { host: 'Public.Example' });
    expect(plan.target).toMatchObject({
      id: 'public.example:23',
      label: 'public.example:23',
      host: 'public.example',
      port: 23,
      charset: 'UTF-8',
      negotiation: 'active',
    });
    expect(planTarget(catalog, { host: 'public.example', port: '4000' }).target.negotiation).toBe('passive');
    expect(planTarget(catalog, { host: '[2606:4700::1111]' }).target.id).toBe('[2606:4700::1111]:23');
  });

  it('takes the charset the user chose on connect, for free-form and configured targets alike', () => {
    expect(planTarget(catalog, { host: 'public.example', charset: 'KOI8-R' }).target.charset).toBe('KOI8-R');
    expect(planTarget(catalog, { target: 'bbs', charset: 'CP437-glyphs' }).target.charset).toBe(
      'CP437-glyphs',
    );
    expect(catalog.targets[0]?.charset).toBe('CP437');
    expect(refusal(() => planTarget(catalog, { host: 'public.example', charset: 'no-such-set' }))).toEqual({
      code: 'GW_ERR_BAD_CHARSET',
      message: expect.stringContaining('"no-such-set" is not a known character set'),
    });
    expect(refusal(() => planTarget(catalog, { target: 'bbs', charset: 'UTF-7' })).code).toBe(
      'GW_ERR_BAD_CHARSET',
    );
  });

  it('refuses free-form targets early when no rule could admit them', () => {
    expect(refusal(() => planTarget(catalog, { host: 'public.example', port: '22' }))).toEqual({
      code: 'GW_ERR_TARGET_DENIED',
      message: 'public.example:22 is not in freeForm.allow',
    });
    expect(refusal(() => planTarget(catalog, { host: 'public.example', port: '0' })).code).toBe(
      'GW_ERR_TARGET_DENIED',
    );
    expect(refusal(() => planTarget(catalog, { host: 'public.example', port: '23x' })).code).toBe(
      'GW_ERR_TARGET_DENIED',
    );
    expect(refusal(() => planTarget(catalog, { host: 'public.example', port: '65536' })).code).toBe(
      'GW_ERR_TARGET_DENIED',
    );
    expect(refusal(() => planTarget(catalog, { host: 'bad host!' }))).toEqual({
      code: 'GW_ERR_TARGET_DENIED',
      message: '"bad host!" is not a valid host name or IP address',
    });
    expect(refusal(() => planTarget(catalog, { host: '2130706433' })).code).toBe('GW_ERR_TARGET_DENIED');
  });

  it('refuses every free-form target when free-form is off', () => {
    const closed = parseConfig('targets: [{ id: a, host: a.example, port: 23 }]');
    expect(refusal(() => planTarget(closed, { host: 'public.example' }))).toEqual({
      code: 'GW_ERR_TARGET_DENIED',
      message: 'free-form targets are disabled',
    });
  });
});

describe('resolveAndCheck', () => {
  it('returns the address to dial for a configured target, trusted as configured', async () => {
    await expect(resolveRequest({ target: 'bbs' })).resolves.toEqual({
      address: '203.0.113.9',
      family: 4,
      port: 23,
    });
    await expect(resolveRequest({ target: 'local' })).resolves.toEqual({
      address: '127.0.0.1',
      family: 4,
      port: 2323,
    });
  });

  it('dials public free-form targets', async () => {
    await expect(resolveRequest({ host: 'public.example' })).resolves.toEqual({
      address: '8.8.8.8',
      family: 4,
      port: 23,
    });
    await expect(resolveRequest({ host: '2606:4700::1111' })).resolves.toEqual({
      address: '2606:4700::1111',
      family: 6,
      port: 23,
    });
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['169.254.169.254', 'link-local (includes cloud metadata services)'],
    ['::1', 'loopback'],
    ['[::ffff:127.0.0.1]', 'loopback'],
    ['[::ffff:a9fe:a9fe]', 'link-local (includes cloud metadata services)'],
    ['fe80::1', 'link-local'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.0.1', 'private'],
    ['fd00::1', 'unique local (private)'],
    ['100.64.1.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'this network'],
    ['::', 'unspecified'],
  ])('refuses the free-form address %s (%s) even under 0.0.0.0/0 and ::/0', async (host, kind) => {
    const { code, message } = await resolveRefusal({ host });
    expect(code).toBe('GW_ERR_TARGET_DENIED');
    expect(message).toContain(`which is ${kind} address space`);
  });

  it('checks the resolved address, not the name (DNS rebinding)', async () => {
    expect(await resolveRefusal({ host: 'rebind.example' })).toEqual({
      code: 'GW_ERR_TARGET_DENIED',
      message:
        'rebind.example:23 resolved to 127.0.0.1, which is loopback address space (127.0.0.0/8); only a freeForm.allow cidr inside that block opens it',
    });
    expect((await resolveRefusal({ host: 'mapped.example' })).message).toContain(
      'resolved to 127.0.0.1, which is loopback',
    );
    expect((await resolveRefusal({ host: 'nat64.example' })).message).toContain(
      'resolved to 64:ff9b::a9fe:a9fe (it leads to 169.254.169.254), which is link-local',
    );
    expect((await resolveRefusal({ host: 'translated.example' })).message).toContain(
      'which is IPv4-translated (RFC 2765) address space (::ffff:0:0:0/96)',
    );
  });

  it('a host rule admits the name, but special space still needs a cidr rule inside it', async () => {
    expect((await resolveRefusal({ host: 'metadata.example', port: '80' })).message).toContain(
      'which is link-local',
    );
    await expect(resolveRequest({ host: 'office.lan.example' })).resolves.toEqual({
      address: '10.1.2.3',
      family: 4,
      port: 23,
    });
    expect((await resolveRefusal({ host: 'home.lan.example' })).message).toContain(
      'which is private address space',
    );
  });

  it('opens private space that the allow-list lists explicitly', async () => {
    await expect(resolveRequest({ host: '10.1.200.7' })).resolves.toMatchObject({ address: '10.1.200.7' });
    // The 10.1.0.0/16 rule is for port 23 only.
    expect((await resolveRefusal({ host: '10.1.200.7', port: '4000' })).code).toBe('GW_ERR_TARGET_DENIED');
  });

  it('skips refused addresses and dials the first allowed one', async () => {
    await expect(resolveRequest({ host: 'mixed.example' })).resolves.toEqual({
      address: '2606:4700::1111',
      family: 6,
      port: 23,
    });
  });

  it('reports names that do not resolve', async () => {
    expect(await resolveRefusal({ host: 'missing.example' })).toEqual({
      code: 'GW_ERR_DNS_FAILURE',
      message: 'looking up missing.example failed: ENOTFOUND',
    });
    expect((await resolveRefusal({ host: 'nothing.example' })).code).toBe('GW_ERR_DNS_FAILURE');
  });

  it('gives up on a lookup that never answers', async () => {
    const plan = planTarget(catalog, { host: 'slow.example' });
    const never: LookupAll = () => new Promise(() => {});
    await expect(resolveAndCheck(plan, { lookup: never, timeoutMs: 20 })).rejects.toMatchObject({
      code: 'GW_ERR_DNS_FAILURE',
      message: 'looking up slow.example took longer than 20 ms',
    });
  });
});

describe('publicTargets', () => {
  it('lists what browsers may know about configured targets', () => {
    expect(publicTargets(catalog)).toEqual([
      { id: 'bbs', label: 'The BBS', host: 'bbs.example.org', port: 23, charset: 'CP437' },
      { id: 'local', label: 'local', host: '127.0.0.1', port: 2323, charset: 'UTF-8' },
    ]);
  });
});

describe('LookupLimiter', () => {
  it('holds a slot until a lookup really ends, and turns away lookups that wait past their deadline', async () => {
    const limiter = new LookupLimiter(1);
    let release!: (addresses: LookupAddress[]) => void;
    const calls: string[] = [];
    const slowLookup: LookupAll = (name) => {
      calls.push(name);
      if (name === 'slow.example') return new Promise((resolve) => (release = resolve));
      return Promise.resolve([{ address: '8.8.8.8', family: 4 }]);
    };
    const options = { lookup: slowLookup, timeoutMs: 100, limiter };
    const resolve = (host: string) => resolveAndCheck(planTarget(catalog, { host }), options);

    await expect(resolve('slow.example')).rejects.toMatchObject({ code: 'GW_ERR_DNS_FAILURE' });
    // The slow lookup still runs (nothing can cancel it), so the next one finds no slot.
    expect(limiter.active).toBe(1);
    await expect(resolve('public.example')).rejects.toMatchObject({
      code: 'GW_ERR_OVERLOADED',
      message: '1 DNS lookups are already running (limits.maxConcurrentLookups)',
    });
    expect(calls).toEqual(['slow.example']);

    release([{ address: '8.8.8.8', family: 4 }]);
    await expect(resolve('public.example')).resolves.toMatchObject({ address: '8.8.8.8' });
    expect(limiter.active).toBe(0);
  });

  it('lets a waiting lookup run as soon as a slot frees', async () => {
    const limiter = new LookupLimiter(1);
    let release!: (addresses: LookupAddress[]) => void;
    const gated: LookupAll = () => new Promise((resolve) => (release = resolve));
    const first = resolveAndCheck(planTarget(catalog, { host: 'public.example' }), {
      lookup: gated,
      timeoutMs: TEST_TIMEOUT_MS,
      limiter,
    });
    const second = resolveAndCheck(planTarget(catalog, { host: 'public.example' }), {
      lookup: async () => [{ address: '8.8.4.4', family: 4 }],
      timeoutMs: TEST_TIMEOUT_MS,
      limiter,
    });
    await new Promise((resolve) => setImmediate(resolve));
    release([{ address: '8.8.8.8', family: 4 }]);
    await expect(first).resolves.toMatchObject({ address: '8.8.8.8' });
    await expect(second).resolves.toMatchObject({ address: '8.8.4.4' });
  });
});
