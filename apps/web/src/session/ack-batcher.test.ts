import { MAX_U32 } from '@telgate/protocol';
import { describe, expect, it } from 'vitest';
import { AckBatcher } from './ack-batcher';

function batcher(threshold = 16_384) {
  const acks: number[] = [];
  const tasks: (() => void)[] = [];
  const instance = new AckBatcher(
    (count) => acks.push(count),
    (task) => tasks.push(task),
    threshold,
  );
  const drain = () => {
    for (const task of tasks.splice(0)) task();
  };
  return { instance, acks, tasks, drain };
}

describe('AckBatcher', () => {
  it('coalesces everything rendered within one task into one ACK', () => {
    const { instance, acks, tasks, drain } = batcher();
    instance.rendered(100);
    instance.rendered(200);
    instance.rendered(5);
    expect(acks).toEqual([]);
    expect(tasks).toHaveLength(1); // one flush scheduled, however many renders
    drain();
    expect(acks).toEqual([305]);
    expect(instance.unacknowledged).toBe(0);
  });

  it('sends at once when the batch reaches the threshold, and the rest on the next flush', () => {
    const { instance, acks, drain } = batcher(1000);
    instance.rendered(600);
    instance.rendered(600);
    expect(acks).toEqual([1200]);
    instance.rendered(10);
    drain();
    expect(acks).toEqual([1200, 10]);
  });

  it('flushes on a microtask by default', async () => {
    const acks: number[] = [];
    const instance = new AckBatcher((count) => acks.push(count));
    instance.rendered(3);
    instance.rendered(4);
    expect(acks).toEqual([]);
    await Promise.resolve();
    expect(acks).toEqual([7]);
  });

  it('splits counts larger than an ACK can carry', () => {
    const { instance, acks } = batcher(Number.POSITIVE_INFINITY);
    instance.rendered(MAX_U32);
    instance.rendered(5);
    instance.flush();
    expect(acks).toEqual([MAX_U32, 5]);
  });

  it('sends nothing for nothing, and nothing once disposed', () => {
    const { instance, acks, drain } = batcher();
    instance.rendered(0);
    instance.rendered(-3);
    drain();
    instance.rendered(50);
    instance.dispose();
    drain();
    instance.rendered(50);
    drain();
    expect(acks).toEqual([]);
  });
});
