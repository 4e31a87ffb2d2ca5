import type { PortRange } from '../config/types.js';

export type PortsParseResult = { ok: true; ranges: PortRange[] } | { ok: false; reason: string };

const ITEM = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/;

/**
 * Reads a port specification: `23`, `'23, 2323'`, `'4000-4100'`, or a list of those. The result is
 * sorted with overlapping and adjacent ranges merged.
 */
export function parsePorts(spec: unknown): PortsParseResult {
  const items: string[] = [];
  const pieces = Array.isArray(spec) ? spec : [spec];
  for (const piece of pieces) {
    if (typeof piece === 'number') items.push(String(piece));
    else if (typeof piece === 'string') items.push(...piece.split(','));
    else return { ok: false, reason: 'must be a port, a range such as "1024-65535", or a list of those' };
  }
  const ranges: PortRange[] = [];
  for (const raw of items) {
    const item = raw.trim();
    const match = ITEM.exec(item);
    if (!match) return { ok: false, reason: `"${item}" is not a port or a range such as "1024-65535"` };
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (from < 1 || to > 65535) return { ok: false, reason: `"${item}": ports run from 1 to 65535` };
    if (from > to) return { ok: false, reason: `"${item}": the range runs backwards` };
    ranges.push({ from, to });
  }
  if (ranges.length === 0) return { ok: false, reason: 'must name at least one port' };
  ranges.sort((a, b) => a.from - b.from);
  const merged: PortRange[] = [ranges[0]!];
  for (const range of ranges.slice(1)) {
    const last = merged[merged.length - 1]!;
    if (range.from <= last.to + 1)
      merged[merged.length - 1] = { from: last.from, to: Math.max(last.to, range.to) };
    else merged.push(range);
  }
  return { ok: true, ranges: merged };
}

export function portAllowed(ranges: readonly PortRange[], port: number): boolean {
  return ranges.some((range) => port >= range.from && port <= range.to);
}
