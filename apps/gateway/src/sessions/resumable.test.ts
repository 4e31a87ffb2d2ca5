import { describe, expect, it } from 'vitest';
import { type ResumableSession, ResumableSessions } from './resumable.js';

function fakeSession(id: string, bytes = 0, ended: string[] = []): ResumableSession & { bytes: number } {
  return {
    sessionId: id,
    binding: { targetId: 't', user: undefined, origin: undefined },
    bytes,
    attach: () => {},
    evict: () => ended.push(id),
    screenBytes() {
      return this.bytes;
    },
  };
}

describe('ResumableSessions', () => {
  it('issues unguessable credentials, and a new one replaces the old', () => {
    const sessions = new ResumableSessions({ maxDetachedSessions: 10, maxScreenStateBytes: 1e9 });
    const a = fakeSession('a');
    const first = sessions.issue(a);
    expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(sessions.find(first)).toBe(a);
    const second = sessions.issue(a);
    expect(second).not.toBe(first);
    expect(sessions.find(first)).toBeUndefined();
    expect(sessions.find(second)).toBe(a);
    sessions.remove(a);
    expect(sessions.find(second)).toBeUndefined();
  });

  it('ends the oldest detached session past maxDetachedSessions', () => {
    const ended: string[] = [];
    const counts: number[] = [];
    const sessions = new ResumableSessions(
      { maxDetachedSessions: 2, maxScreenStateBytes: 1e9 },
      { detachedCount: (n) => counts.push(n) },
    );
    const [a, b, c] = ['a', 'b', 'c'].map((id) => fakeSession(id, 0, ended));
    for (const s of [a!, b!, c!]) sessions.issue(s);
    sessions.detached(a!);
    sessions.detached(b!);
    sessions.attached(a!);
    sessions.detached(a!);
    sessions.detached(c!);
    expect(ended).toEqual(['b']);
    expect(sessions.detachedCount).toBe(2);
    expect(counts.at(-1)).toBe(2);
  });

  it('keeps screens under maxScreenStateBytes by ending detached sessions, oldest first', () => {
    const ended: string[] = [];
    const sessions = new ResumableSessions({ maxDetachedSessions: 10, maxScreenStateBytes: 1000 });
    const attached = fakeSession('attached', 600, ended);
    const old = fakeSession('old', 300, ended);
    const young = fakeSession('young', 50, ended);
    for (const s of [attached, old, young]) sessions.issue(s);
    sessions.detached(old);
    sessions.detached(young);
    expect(ended).toEqual([]);
    attached.bytes = 980;
    sessions.checkMemory(true);
    expect(ended).toEqual(['old', 'young']);
  });
});
