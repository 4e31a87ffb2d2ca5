import { describe, expect, it } from 'vitest';
import { Cmd, Opt } from './constants.js';
import { describeCommand } from './describe.js';
import { encodeSubnegotiation } from './engine.js';

describe('describeCommand', () => {
  it('names negotiations and two-byte commands', () => {
    expect(describeCommand(Uint8Array.of(Cmd.IAC, Cmd.DO, Opt.NAWS))).toBe('DO NAWS');
    expect(describeCommand(Uint8Array.of(Cmd.IAC, Cmd.WONT, Opt.TIMING_MARK))).toBe('WONT TIMING-MARK');
    expect(describeCommand(Uint8Array.of(Cmd.IAC, Cmd.WILL, 200))).toBe('WILL 200');
    expect(describeCommand(Uint8Array.of(Cmd.IAC, Cmd.IP))).toBe('IP');
    expect(describeCommand(Uint8Array.of(Cmd.IAC, Cmd.AYT))).toBe('AYT');
  });

  it('decodes the subnegotiations an inspector shows', () => {
    expect(describeCommand(encodeSubnegotiation(Opt.NAWS, [0, 120, 0, 40]))).toBe('SB NAWS 120 40');
    expect(describeCommand(encodeSubnegotiation(Opt.NAWS, [0, 255, 1, 0]))).toBe('SB NAWS 255 256');
    expect(describeCommand(encodeSubnegotiation(Opt.TTYPE, [1]))).toBe('SB TTYPE SEND');
    expect(describeCommand(encodeSubnegotiation(Opt.TTYPE, [0, 0x56, 0x54]))).toBe('SB TTYPE IS "VT"');
    expect(describeCommand(encodeSubnegotiation(Opt.NEW_ENVIRON, [0, 0, 0x55, 1, 0x62]))).toBe(
      'SB NEW-ENVIRON IS VAR "U" VALUE "b"',
    );
    expect(describeCommand(encodeSubnegotiation(77, [1, 2, 0xff]))).toBe('SB 77 01 02 ff');
  });

  it('never throws on truncated or odd input', () => {
    for (const bytes of [[], [Cmd.IAC], [Cmd.IAC, Cmd.SB], [Cmd.IAC, Cmd.SB, Opt.TTYPE], [0x41, 0x42]]) {
      expect(typeof describeCommand(Uint8Array.from(bytes))).toBe('string');
    }
  });
});
