import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordingInfo } from '@telgate/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_RECORDING } from '../config/defaults.js';
import { parseConfig } from '../config/load.js';
import { createMetrics } from '../observability/metrics.js';
import { RecordingStore } from './store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'telgate-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T12:00:00Z');

/** A finished recording on disk: its .cast (with `output`) and its .json. */
async function recording(
  store: RecordingStore,
  daysAgo: number,
  output: string,
  extra: Partial<RecordingInfo> = {},
): Promise<string> {
  const id = randomUUID();
  const startedAt = new Date(NOW - daysAgo * DAY).toISOString();
  const cast = `${JSON.stringify({ version: 2, width: 80, height: 24, timestamp: Math.floor((NOW - daysAgo * DAY) / 1000) })}\n${JSON.stringify([0.5, 'o', output])}\n`;
  await writeFile(store.castPath(id), cast);
  const info: RecordingInfo = {
    id,
    target: 'lab',
    user: 'alice',
    startedAt,
    castBytes: cast.length,
    complete: true,
    closeReason: 'client_closed',
    ...extra,
  };
  await writeFile(store.metaPath(id), JSON.stringify(info));
  return id;
}

function store(settings: Partial<typeof DEFAULT_RECORDING> = {}): RecordingStore {
  return new RecordingStore(
    { ...DEFAULT_RECORDING, directory: dir, ...settings },
    createMetrics({ processMetrics: false }),
  );
}

describe('RecordingStore', () => {
  it('retention deletes recordings older than maxAgeDays, then the oldest past maxTotalBytes', async () => {
    const s = store({ maxAgeDays: 10, maxTotalBytes: 400 });
    const old = await recording(s, 11, 'old');
    const ids = [];
    for (let day = 5; day >= 1; day--) ids.push(await recording(s, day, 'x'.repeat(100)));
    const deleted = await s.applyRetention(NOW);
    expect(existsSync(s.castPath(old))).toBe(false);
    expect(existsSync(s.metaPath(old))).toBe(false);
    // Each recording is ~150 bytes: the newest two fit under 400, the rest go, oldest first.
    const kept = (await s.all()).map((info) => info.id);
    expect(kept).toEqual([ids[4], ids[3]]);
    expect(deleted).toBe(4);
  });

  it('searches by target, user, time and text in the output (escape sequences ignored)', async () => {
    const s = store({ maxAgeDays: 0, maxTotalBytes: 0 });
    const a = await recording(s, 3, 'hello \u001b[1mneed\u001b[0mle world', { target: 'lab', user: 'alice' });
    const b = await recording(s, 2, 'nothing here', { target: 'bbs', user: 'bob' });
    const c = await recording(s, 1, 'NEEDLE again', { target: 'lab', user: 'bob' });
    const ids = async (query: Parameters<RecordingStore['search']>[0]) =>
      (await s.search(query)).map((info) => info.id);
    expect(await ids({})).toEqual([c, b, a]);
    expect(await ids({ target: 'lab' })).toEqual([c, a]);
    expect(await ids({ user: 'bob' })).toEqual([c, b]);
    expect(await ids({ text: 'needle' })).toEqual([c, a]);
    expect(await ids({ from: NOW - 2.5 * DAY, to: NOW - 1.5 * DAY })).toEqual([b]);
    expect(await ids({ text: 'absent' })).toEqual([]);
  });

  it('reads nothing but session-id names: other files in the directory are ignored', async () => {
    const s = store();
    await writeFile(join(dir, 'notes.cast'), 'not a recording');
    expect(await s.all()).toEqual([]);
    expect(await s.info('../etc/passwd')).toBeUndefined();
  });
});

describe('recording configuration', () => {
  it('is off by default', () => {
    const config = parseConfig('');
    expect(config.recording).toMatchObject({ targets: [], input: false, page: false });
    expect(config.audit).toEqual({ stdout: false });
  });

  it('refuses unknown targets, and the page without token auth', () => {
    expect(() =>
      parseConfig('targets: [{ id: lab, host: 127.0.0.1, port: 23 }]\nrecording: { targets: [nope] }'),
    ).toThrow(/"nope" is not a configured target/);
    expect(() => parseConfig('recording: { page: true }')).toThrow(/recordings page needs auth mode "token"/);
  });
});
