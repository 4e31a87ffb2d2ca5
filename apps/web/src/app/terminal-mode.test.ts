import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../testing/memory-storage';
import {
  charsetForMode,
  loadLineHistory,
  onTerminalModeChange,
  STORED_HISTORY_LINES,
  saveLineHistory,
  saveTerminalMode,
  terminalModeFor,
} from './terminal-mode';

const mud = { kind: 'host', host: 'mud.example', port: 4000 } as const;
const bbs = { kind: 'target', id: 'bbs' } as const;
const bbsInfo = { id: 'bbs', label: 'BBS', host: 'bbs.example', port: 23, charset: 'CP437-glyphs' };

describe('terminal mode per host', () => {
  it("takes the user's choice for the host over the gateway's, and normal without either", () => {
    const storage = new MemoryStorage();
    expect(terminalModeFor(storage, bbs, { ...bbsInfo, terminalMode: 'bbs' })).toBe('bbs');
    expect(terminalModeFor(storage, bbs, bbsInfo)).toBe('normal');
    expect(terminalModeFor(storage, undefined, undefined)).toBe('normal');
    let changes = 0;
    const off = onTerminalModeChange(() => changes++);
    saveTerminalMode(storage, bbs, 'normal');
    saveTerminalMode(storage, mud, 'mud');
    off();
    saveTerminalMode(storage, mud, 'mud');
    expect(changes).toBe(2);
    expect(terminalModeFor(storage, bbs, { ...bbsInfo, terminalMode: 'bbs' })).toBe('normal');
    expect(terminalModeFor(storage, mud, undefined)).toBe('mud');
  });

  it('ignores a stored mode it does not know', () => {
    const storage = new MemoryStorage();
    storage.setItem('telgate.terminal-mode', JSON.stringify({ 'target:bbs': { mode: 'teletext' } }));
    expect(terminalModeFor(storage, bbs, undefined)).toBe('normal');
  });
});

describe('charsetForMode', () => {
  it('shows the PC glyphs in BBS mode, and controls again when leaving it', () => {
    expect(charsetForMode('bbs', 'CP437')).toBe('CP437-glyphs');
    expect(charsetForMode('bbs', 'UTF-8')).toBe('CP437-glyphs');
    expect(charsetForMode('bbs', 'cp437-glyphs')).toBeUndefined();
    expect(charsetForMode('normal', 'CP437-glyphs')).toBe('CP437');
    expect(charsetForMode('mud', 'CP437-glyphs')).toBe('CP437');
    expect(charsetForMode('mud', 'UTF-8')).toBeUndefined();
    expect(charsetForMode('normal', undefined)).toBeUndefined();
  });
});

describe('line history per host', () => {
  it('keeps each host’s lines, bounded in count and length', () => {
    const storage = new MemoryStorage();
    expect(loadLineHistory(storage, mud)).toEqual([]);
    const lines = Array.from({ length: 150 }, (_, k) => `say ${k}`);
    saveLineHistory(storage, mud, [...lines, 'x'.repeat(300), '']);
    const kept = loadLineHistory(storage, mud);
    expect(kept).toHaveLength(STORED_HISTORY_LINES);
    expect(kept.at(-1)).toBe('say 149');
    expect(loadLineHistory(storage, bbs)).toEqual([]);
    storage.setItem('telgate.line-history', JSON.stringify({ 'target:bbs': { lines: ['look', 7, null] } }));
    expect(loadLineHistory(storage, bbs)).toEqual(['look']);
  });
});
