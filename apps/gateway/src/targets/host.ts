import { formatIp, type IpAddress, parseIp } from './ip.js';

export type HostName =
  | { readonly kind: 'ip'; readonly address: IpAddress; readonly text: string }
  | { readonly kind: 'name'; readonly text: string };

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * Reads a host as written by a person or a browser: an IP address (IPv6 optionally in brackets) or a
 * DNS name. Names come back lower case without a trailing dot. A name whose last label is all digits is
 * refused: resolvers read such names (`2130706433`, `127.1`, `0x7f.1`) as numeric addresses, which is
 * a classic way to sneak past allow-lists.
 */
export function parseHost(input: string): HostName | undefined {
  const bracketed = /^\[(.*)\]$/.exec(input);
  const ipText = bracketed ? bracketed[1]! : input;
  const address = parseIp(ipText);
  if (address && !ipText.includes('%')) return { kind: 'ip', address, text: formatIp(address.value) };
  if (bracketed) return undefined;
  const name = input.toLowerCase().replace(/\.$/, '');
  if (name.length === 0 || name.length > 253) return undefined;
  const labels = name.split('.');
  if (!labels.every((label) => LABEL.test(label))) return undefined;
  if (/^(?:\d+|0x[0-9a-f]*)$/.test(labels[labels.length - 1]!)) return undefined;
  return { kind: 'name', text: name };
}

/** `host:port`, with IPv6 addresses in brackets: how free-form targets are named (and tokens name them). */
export function hostPortId(host: HostName, port: number): string {
  return host.kind === 'ip' && host.address.family === 6 ? `[${host.text}]:${port}` : `${host.text}:${port}`;
}
