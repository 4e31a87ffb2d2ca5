import { describe, expect, it, vi } from 'vitest';
import { Emitter } from './emitter';

describe('Emitter', () => {
  it('delivers payloads to the listeners of that event only', () => {
    const emitter = new Emitter<{ a: number; b: string }>();
    const a = vi.fn();
    const b = vi.fn();
    emitter.on('a', a);
    emitter.on('b', b);
    emitter.emit('a', 7);
    expect(a).toHaveBeenCalledWith(7);
    expect(b).not.toHaveBeenCalled();
  });

  it('lets a listener remove itself while the event is being delivered', () => {
    const emitter = new Emitter<{ tick: undefined }>();
    const calls: string[] = [];
    const off = emitter.on('tick', () => {
      calls.push('once');
      off();
    });
    emitter.on('tick', () => calls.push('always'));
    emitter.emit('tick', undefined);
    emitter.emit('tick', undefined);
    expect(calls).toEqual(['once', 'always', 'always']);
  });
});
