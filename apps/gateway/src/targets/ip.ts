/**
 * IP addresses and CIDR blocks as 128-bit integers.
 *
 * IPv4 addresses live in the IPv4-mapped IPv6 range (`::ffff:a.b.c.d`), so `127.0.0.1` and
 * `::ffff:127.0.0.1` are the same value and one set of rules covers both spellings. A host name such
 * as `2130706433` or `127.1` is not parsed here on purpose: the resolver turns those into addresses,
 * and policy is always checked on what the resolver returns.
 */

const IPV4_MAPPED_PREFIX = 0xffffn << 32n;
const ALL_ONES_128 = (1n << 128n) - 1n;

export interface IpAddress {
  /** 4 for IPv4 (including IPv4-mapped IPv6 spellings), 6 otherwise. */
  readonly family: 4 | 6;
  /** The address as a 128-bit integer; IPv4 as IPv4-mapped IPv6. */
  readonly value: bigint;
}

export interface Cidr {
  /** First address of the block (host bits zero), 128-bit. */
  readonly network: bigint;
  /** Prefix length in 128-bit space: an IPv4 /8 is /104 here. */
  readonly prefix: number;
  /** How the block is written for people, e.g. `10.0.0.0/8` or `fe80::/10`. */
  readonly text: string;
}

const IPV4_PATTERN = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

/** Parses a dotted-quad IPv4 address (four decimal parts, no leading zeros) to a 32-bit integer. */
function parseIpv4Bits(text: string): bigint | undefined {
  const match = IPV4_PATTERN.exec(text);
  if (!match) return undefined;
  let value = 0n;
  for (let i = 1; i <= 4; i++) {
    const part = Number(match[i]);
    if (part > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

const HEX_GROUP = /^[0-9a-f]{1,4}$/i;

function parseGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  const parts = text.split(':');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i === parts.length - 1 && part.includes('.')) {
      // A trailing dotted quad fills the last two groups (`::ffff:1.2.3.4`).
      const v4 = parseIpv4Bits(part);
      if (v4 === undefined) return undefined;
      groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    } else if (HEX_GROUP.test(part)) {
      groups.push(Number.parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

/** Parses an IPv6 address (RFC 4291 text forms; a `%zone` suffix is ignored) to a 128-bit integer. */
function parseIpv6Bits(text: string): bigint | undefined {
  const zone = text.indexOf('%');
  const bare = zone === -1 ? text : text.slice(0, zone);
  if (zone !== -1 && zone === text.length - 1) return undefined;
  const halves = bare.split('::');
  if (halves.length > 2) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const head = parseGroups(halves[0]!);
    const tail = parseGroups(halves[1]!);
    if (!head || !tail) return undefined;
    // A trailing dotted quad is only valid at the very end, never before the `::`.
    if (halves[0]!.includes('.')) return undefined;
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    const all = parseGroups(bare);
    if (all?.length !== 8) return undefined;
    groups = all;
  }
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(group);
  return value;
}

/** Parses an IPv4 or IPv6 address written in a standard text form; undefined for anything else. */
export function parseIp(text: string): IpAddress | undefined {
  const v4 = parseIpv4Bits(text);
  if (v4 !== undefined) return { family: 4, value: IPV4_MAPPED_PREFIX | v4 };
  if (!text.includes(':')) return undefined;
  const v6 = parseIpv6Bits(text);
  if (v6 === undefined) return undefined;
  return { family: isIpv4Mapped(v6) ? 4 : 6, value: v6 };
}

function isIpv4Mapped(value: bigint): boolean {
  return value >> 32n === 0xffffn;
}

/** The canonical text of an address: dotted quad for IPv4, RFC 5952 for IPv6. */
export function formatIp(value: bigint): string {
  if (isIpv4Mapped(value)) return formatIpv4(value & 0xffffffffn);
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  // RFC 5952 §4.2: compress the longest run (two or more) of zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < 8 && groups[end] === 0) end++;
    if (end - i > bestLength) {
      bestStart = i;
      bestLength = end - i;
    }
    i = end;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}

function formatIpv4(bits: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((bits >> shift) & 0xffn)).join('.');
}

function maskFor(prefix: number): bigint {
  return prefix === 0 ? 0n : (ALL_ONES_128 << BigInt(128 - prefix)) & ALL_ONES_128;
}

export type CidrParseResult = { ok: true; cidr: Cidr } | { ok: false; reason: string };

/**
 * Parses `address/prefix` (or a bare address, meaning a single host). Host bits must be zero, so a
 * typo such as `10.0.0.1/8` is reported instead of silently widened.
 */
export function parseCidr(text: string): CidrParseResult {
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const address = parseIp(addressText);
  if (!address || addressText.includes('%')) {
    return { ok: false, reason: `"${addressText}" is not an IPv4 or IPv6 address` };
  }
  const writtenAsIpv4 = parseIpv4Bits(addressText) !== undefined;
  const maxPrefix = writtenAsIpv4 ? 32 : 128;
  let written = maxPrefix;
  if (slash !== -1) {
    const prefixText = text.slice(slash + 1);
    if (!/^(0|[1-9]\d{0,2})$/.test(prefixText) || Number(prefixText) > maxPrefix) {
      return { ok: false, reason: `prefix length must be a whole number from 0 to ${maxPrefix}` };
    }
    written = Number(prefixText);
  }
  const prefix = writtenAsIpv4 ? written + 96 : written;
  const network = address.value & maskFor(prefix);
  if (network !== address.value) {
    return {
      ok: false,
      reason: `host bits are set; the block starting there is ${formatIp(network)}/${written}`,
    };
  }
  return { ok: true, cidr: { network, prefix, text: `${formatIp(network)}/${written}` } };
}

/** Parses a CIDR that is known to be valid (built-in tables); throws otherwise. */
export function cidr(text: string): Cidr {
  const result = parseCidr(text);
  if (!result.ok) throw new Error(`invalid built-in CIDR ${text}: ${result.reason}`);
  return result.cidr;
}

export function cidrContains(block: Cidr, address: bigint): boolean {
  return (address & maskFor(block.prefix)) === block.network;
}

/** Whether every address of `inner` lies inside `outer`. */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  return inner.prefix >= outer.prefix && cidrContains(outer, inner.network);
}

export interface SpecialBlock {
  readonly cidr: Cidr;
  /** Why the block is not ordinary public address space, e.g. `loopback`. */
  readonly kind: string;
}

/**
 * Address space that is not the public Internet (IANA special-purpose registries, RFC 6890 and
 * successors). The gateway never dials these for a free-form target unless the operator lists a block
 * inside them.
 */
export const SPECIAL_BLOCKS: readonly SpecialBlock[] = [
  ['0.0.0.0/8', 'this network'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'carrier-grade NAT'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local (includes cloud metadata services)'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'IETF protocol assignments'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', '6to4 relay anycast'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved (includes broadcast)'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['::/96', 'IPv4-compatible (deprecated)'],
  ['::ffff:0:0:0/96', 'IPv4-translated (RFC 2765)'],
  ['64:ff9b:1::/48', 'local-use NAT64'],
  ['100::/64', 'discard-only'],
  ['2001::/23', 'IETF protocol assignments'],
  ['2001:db8::/32', 'documentation'],
  ['fc00::/7', 'unique local (private)'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local (deprecated)'],
  ['ff00::/8', 'multicast'],
].map(([text, kind]) => ({ cidr: cidr(text!), kind: kind! }));

const NAT64_WELL_KNOWN = cidr('64:ff9b::/96');
const SIX_TO_FOUR = cidr('2002::/16');
const IPV4_TRANSLATED = cidr('::ffff:0:0:0/96');

/**
 * The IPv4 address an IPv6 address stands for when it is a translation of one: NAT64 (64:ff9b::/96),
 * IPv4-translated (::ffff:0:0:0/96, RFC 2765) or 6to4 (2002::/16). Such an address reaches that IPv4 host, so it gets that host's rules.
 */
export function embeddedIpv4(value: bigint): bigint | undefined {
  if (cidrContains(NAT64_WELL_KNOWN, value) || cidrContains(IPV4_TRANSLATED, value)) {
    return IPV4_MAPPED_PREFIX | (value & 0xffffffffn);
  }
  if (cidrContains(SIX_TO_FOUR, value)) return IPV4_MAPPED_PREFIX | ((value >> 80n) & 0xffffffffn);
  return undefined;
}

/** The most specific special-purpose block holding `value`, if any. */
export function specialBlockOf(value: bigint): SpecialBlock | undefined {
  let found: SpecialBlock | undefined;
  for (const block of SPECIAL_BLOCKS) {
    if (cidrContains(block.cidr, value) && (!found || block.cidr.prefix > found.cidr.prefix)) found = block;
  }
  return found;
}

/** Whether `host` (a listen address or name) only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const address = parseIp(name.replace(/^\[(.*)\]$/, '$1'));
  if (!address) return false;
  return specialBlockOf(address.value)?.kind === 'loopback';
}
