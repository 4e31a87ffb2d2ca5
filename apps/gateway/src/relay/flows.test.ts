import type { LogoutResult } from '@telgate/protocol';
import { describe, expect, it } from 'vitest';
import { LogoutFlow } from './logout-flow.js';
import { OutputDiscard } from './output-discard.js';
import { IdleTimer, ResizeCoalescer } from './session-timers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('OutputDiscard', () => {
  it('a timing mark ends any discard; a DM only one waiting for a DM', () => {
    let changes = 0;
    const discard = new OutputDiscard(10_000, () => changes++);
    discard.start('timing-mark');
    discard.dataMark();
    expect(discard.active).toBe(true);
    discard.timingMark();
    expect(discard.active).toBe(false);
    discard.start('dm');
    discard.dataMark();
    expect(discard.active).toBe(false);
    expect(changes).toBe(4);
    discard.dispose();
  });

  it('ends by itself when the host never answers', async () => {
    const discard = new OutputDiscard(20, () => {});
    discard.start('timing-mark');
    await sleep(50);
    expect(discard.active).toBe(false);
  });
});

describe('LogoutFlow', () => {
  function flow(requestOk: boolean, answerMs = 10_000, closeMs = 10_000) {
    const results: LogoutResult[] = [];
    let ended = 0;
    const logout = new LogoutFlow({
      answerMs,
      closeMs,
      request: () => requestOk,
      report: (r) => results.push(r),
      end: () => ended++,
    });
    return { logout, results, ended: () => ended };
  }

  it('reports refused when the host cannot be asked', () => {
    const { logout, results } = flow(false);
    logout.ask();
    expect(results).toEqual(['refused']);
  });

  it('reports timed-out without an answer, and can be asked again', async () => {
    const { logout, results } = flow(true, 20);
    logout.ask();
    logout.ask();
    await sleep(50);
    expect(results).toEqual(['timed-out']);
    logout.ask();
    logout.answer('refused');
    expect(results).toEqual(['timed-out', 'refused']);
    expect(logout.accepted).toBe(false);
  });

  it('after an accepted logout, ends the session if the host does not close', async () => {
    const { logout, results, ended } = flow(true, 10_000, 20);
    logout.ask();
    logout.answer('accepted');
    expect(logout.accepted).toBe(true);
    await sleep(50);
    expect(results).toEqual(['accepted']);
    expect(ended()).toBe(1);
  });
});

describe('IdleTimer', () => {
  it('fires after the limit without activity, not while touched', async () => {
    let idle = 0;
    const timer = new IdleTimer(60, () => idle++);
    timer.touch();
    for (let k = 0; k < 4; k++) {
      await sleep(25);
      timer.touch();
    }
    expect(idle).toBe(0);
    await sleep(120);
    expect(idle).toBe(1);
    timer.dispose();
  });

  it('never fires with a limit of 0', async () => {
    let idle = 0;
    const timer = new IdleTimer(0, () => idle++);
    timer.touch();
    await sleep(20);
    expect(idle).toBe(0);
  });
});

describe('ResizeCoalescer', () => {
  it('applies the first size at once and the last of a burst after the interval', async () => {
    const applied: string[] = [];
    const resize = new ResizeCoalescer(20, ({ cols, rows }) => applied.push(`${cols}x${rows}`));
    resize.request(80, 24);
    resize.request(100, 30);
    resize.request(132, 50);
    expect(applied).toEqual(['80x24']);
    await sleep(50);
    expect(applied).toEqual(['80x24', '132x50']);
    expect(resize.size).toEqual({ cols: 132, rows: 50 });
    resize.dispose();
  });
});
