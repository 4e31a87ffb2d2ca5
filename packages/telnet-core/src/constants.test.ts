import { describe, expect, it } from 'vitest';
import { commandName, Opt, optionCode, optionName } from './constants.js';
import { CLIENT_POLICY, mergePolicy } from './policy.js';

describe('option names', () => {
  it('maps names and codes both ways, as the configuration writes them', () => {
    expect(optionName(Opt.NEW_ENVIRON)).toBe('NEW-ENVIRON');
    expect(optionName(Opt.TIMING_MARK)).toBe('TIMING-MARK');
    expect(optionName(250)).toBe('250');
    expect(optionCode('naws')).toBe(31);
    expect(optionCode('new-environ')).toBe(39);
    expect(optionCode('TIMING_MARK')).toBe(6);
    expect(optionCode('31')).toBe(31);
    expect(optionCode(300)).toBeUndefined();
    expect(optionCode('nonsense')).toBeUndefined();
    expect(commandName(244)).toBe('IP');
  });
});

describe('policy tables', () => {
  it('overrides one side of an option and keeps the other', () => {
    const merged = mergePolicy(CLIENT_POLICY, { [Opt.NAWS]: { local: 'refuse' } });
    expect(merged[Opt.NAWS]).toEqual({ local: 'refuse', remote: 'refuse' });
    expect(merged[Opt.ECHO]).toEqual(CLIENT_POLICY[Opt.ECHO]);
    expect(CLIENT_POLICY[Opt.NAWS]).toEqual({ local: 'request', remote: 'refuse' });
  });
});
