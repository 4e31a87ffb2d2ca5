import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../testing/memory-storage';
import { forgetRecent, loadRecent, MAX_RECENT, rememberRecent } from './recent-targets';

describe('recent targets', () => {
  it('keep the most recent first, once each', () => {
    const storage = new MemoryStorage();
    rememberRecent(storage, { kind: 'target', id: 'a', label: 'A' });
    rememberRecent(storage, { kind: 'host', host: 'h', port: 23 });
    rememberRecent(storage, { kind: 'target', id: 'a', label: 'A' });
    // Port 23 is the default: the same host either way.
    rememberRecent(storage, { kind: 'host', host: 'h' });
    expect(loadRecent(storage)).toEqual([
      { kind: 'host', host: 'h' },
      { kind: 'target', id: 'a', label: 'A' },
    ]);
  });

  it(`keep at most ${MAX_RECENT}`, () => {
    const storage = new MemoryStorage();
    for (let i = 0; i < MAX_RECENT + 3; i++) rememberRecent(storage, { kind: 'target', id: `t${i}` });
    const list = loadRecent(storage);
    expect(list).toHaveLength(MAX_RECENT);
    expect(list[0]).toEqual({ kind: 'target', id: `t${MAX_RECENT + 2}` });
  });

  it('drop malformed entries and can forget one', () => {
    const storage = new MemoryStorage();
    storage.setItem(
      'telgate.recent',
      JSON.stringify([
        { kind: 'target', id: 'ok' },
        { kind: 'target', id: '' },
        { kind: 'host', host: 'h', port: 70000 },
        { kind: 'evil', id: 'x' },
        null,
      ]),
    );
    expect(loadRecent(storage)).toEqual([
      { kind: 'target', id: 'ok' },
      { kind: 'host', host: 'h' },
    ]);
    expect(forgetRecent(storage, { kind: 'target', id: 'ok' })).toEqual([{ kind: 'host', host: 'h' }]);
  });
});
