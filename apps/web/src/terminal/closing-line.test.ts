import { describe, expect, it } from 'vitest';
import { ownLine, toNormalScreen } from './closing-line';

describe('toNormalScreen', () => {
  it('leaves the alternate screen a full-screen program left open', () => {
    expect(toNormalScreen(true)).toMatch(/^\x1b\[\?1049l/);
    expect(toNormalScreen(false)).not.toContain('\x1b[?1049l');
  });

  it('resets the attributes and shows the cursor either way', () => {
    for (const alternate of [true, false]) {
      expect(toNormalScreen(alternate)).toContain('\x1b[0m');
      expect(toNormalScreen(alternate)).toContain('\x1b[?25h');
    }
  });
});

describe('ownLine', () => {
  it('starts a new line only when the cursor is not at the start of one', () => {
    expect(ownLine('closed', 0)).toBe('closed\r\n');
    expect(ownLine('closed', 7)).toBe('\r\nclosed\r\n');
  });
});
