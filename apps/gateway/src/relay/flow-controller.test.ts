import { describe, expect, it } from 'vitest';
import { FlowController, SharedPause } from './flow-controller.js';

function controlled(extra: { hold?: () => boolean; stallMs?: number; onStall?: () => void } = {}) {
  const state = { queued: 0, calls: [] as string[] };
  const flow = new FlowController({
    highWaterBytes: 100,
    lowWaterBytes: 20,
    pending: () => state.queued,
    pause: () => state.calls.push('pause'),
    resume: () => state.calls.push('resume'),
    ...extra,
  });
  return { state, flow };
}

describe('FlowController', () => {
  it('pauses at the high-water mark and resumes under the low-water mark, once each', () => {
    const { state, flow } = controlled();
    state.queued = 99;
    flow.update();
    expect(flow.paused).toBe(false);
    state.queued = 100;
    flow.update();
    flow.update();
    expect(flow.paused).toBe(true);
    state.queued = 21;
    flow.update();
    expect(flow.paused).toBe(true);
    state.queued = 20;
    flow.update();
    expect(flow.paused).toBe(false);
    expect(state.calls).toEqual(['pause', 'resume']);
  });

  it('never pauses while held, and resumes when a hold starts', () => {
    let held = false;
    const { state, flow } = controlled({ hold: () => held });
    state.queued = 500;
    flow.update();
    expect(flow.paused).toBe(true);
    held = true;
    flow.update();
    expect(flow.paused).toBe(false);
    expect(state.calls).toEqual(['pause', 'resume']);
  });

  it('reports a stall when paused for too long, not when resumed in time', async () => {
    let stalls = 0;
    const { state, flow } = controlled({ stallMs: 20, onStall: () => stalls++ });
    state.queued = 100;
    flow.update();
    state.queued = 0;
    flow.update();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(stalls).toBe(0);
    state.queued = 100;
    flow.update();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(stalls).toBe(1);
    flow.dispose();
  });
});

describe('SharedPause', () => {
  it('pauses on the first reason and resumes when the last is released', () => {
    const calls: string[] = [];
    const gate = new SharedPause(
      () => calls.push('pause'),
      () => calls.push('resume'),
    );
    gate.hold('a');
    gate.hold('b');
    gate.release('a');
    expect(gate.paused).toBe(true);
    gate.release('a');
    gate.release('b');
    expect(gate.paused).toBe(false);
    expect(calls).toEqual(['pause', 'resume']);
  });
});
