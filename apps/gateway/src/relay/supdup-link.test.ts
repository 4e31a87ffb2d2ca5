import type { Notice } from '@telgate/protocol';
import { describe, expect, it } from 'vitest';
import { SupdupLink, ttyoptNames } from './supdup-link.js';

function link(size = { cols: 80, rows: 24 }) {
  const sent: number[] = [];
  const notices: Notice[] = [];
  const supdup = new SupdupLink(
    size,
    { row: 0, col: 0 },
    {
      output: () => {},
      send: (bytes) => sent.push(...bytes),
      notice: (notice) => notices.push(notice),
    },
  );
  supdup.start();
  sent.length = 0;
  return { supdup, sent, notices };
}

const typed = (text: string) => {
  const { supdup, sent } = link();
  supdup.input(Buffer.from(text, 'utf8'));
  return { sent, dropped: supdup.dropped };
};

describe('SupdupLink input', () => {
  it('sends ASCII as it is and doubles 034', () => {
    expect(typed('ls\r\x7f\x1c').sent).toEqual([0x6c, 0x73, 0o15, 0o177, 0o34, 0o34]);
  });

  it('sends a lone ESC as ALTMODE (033), and ESC [ or ESC O with nothing after as Meta-[ / Meta-O', () => {
    expect(typed('\x1b').sent).toEqual([0o33]);
    expect(typed('\x1b[').sent).toEqual([0o34, 0o102, 0x5b]);
    expect(typed('\x1bO').sent).toEqual([0o34, 0o102, 0x4f]);
  });

  it('maps SS3 arrows as CSI ones, and drops other sequences and non-ASCII, counting them', () => {
    expect(typed('\x1bOB\x1b[D').sent).toEqual([0o16, 0o2]);
    const other = typed('\x1b[15~é\x1b[1;5A');
    expect(other.sent).toEqual([]);
    expect(other.dropped).toBe(3);
  });

  it('says once that the size cannot change, and not at all for the size it started with', () => {
    const { supdup, notices } = link({ cols: 200, rows: 60 });
    supdup.resize(200, 60);
    expect(notices.filter((n) => n.kind === 'warning')).toEqual([]);
    supdup.resize(100, 30);
    supdup.resize(90, 30);
    expect(notices.filter((n) => n.kind === 'warning')).toHaveLength(1);
    expect(notices[0]).toEqual({
      kind: 'supdup',
      terminal: expect.objectContaining({ cols: 128, rows: 60 }),
    });
  });

  it('names the TTYOPT flags in both halves', () => {
    expect(ttyoptNames(0o040000 * 0o1000000 + 0o40)).toEqual(['%TOERS', '%TPCBS']);
  });
});
