/**
 * What the negotiation inspector shows: trace lines in words and the state of every option. Imports
 * the Telnet describer, so it lives in the inspector's lazily loaded chunk.
 */
import { Cmd, describeCommand, optionName } from '@telgate/telnet-core';
import type { OptionState } from '../../session/session';
import type { TraceEntry } from '../../session/trace-log';

export interface TraceLine {
  readonly seq: number;
  /** Local time of day, to the millisecond: 14:03:07.120. */
  readonly time: string;
  /** ← received from the host, → sent to it. */
  readonly arrow: '←' | '→';
  readonly direction: 'in' | 'out';
  /** `DO NAWS`, `SB NAWS 120 40`, `SB TTYPE IS "XTERM"`… */
  readonly text: string;
}

export function traceLine(entry: TraceEntry): TraceLine {
  return {
    seq: entry.seq,
    time: clockTime(entry.at),
    arrow: entry.direction === 'in' ? '←' : '→',
    direction: entry.direction,
    text: describeCommand(entry.bytes),
  };
}

function clockTime(at: number): string {
  const date = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

export interface OptionRow {
  readonly code: number;
  readonly name: string;
  /** The gateway's side: we WILL. */
  readonly local: boolean;
  /** The host's side: it WILL (we said DO). */
  readonly remote: boolean;
}

/**
 * Every option either side mentioned: the ones the gateway reported as enabled or disabled, and the
 * ones only seen in the trace (offered and refused), which are off on both sides.
 */
export function optionRows(options: readonly OptionState[], trace: readonly TraceEntry[]): OptionRow[] {
  const rows = new Map<number, OptionRow>();
  for (const entry of trace) {
    const [iac, command, option] = entry.bytes;
    const negotiation =
      iac === Cmd.IAC &&
      command !== undefined &&
      command >= Cmd.WILL &&
      command <= Cmd.DONT &&
      option !== undefined;
    if (negotiation && !rows.has(option)) {
      rows.set(option, { code: option, name: optionName(option), local: false, remote: false });
    }
  }
  for (const state of options) {
    rows.set(state.option, {
      code: state.option,
      name: optionName(state.option),
      local: state.local,
      remote: state.remote,
    });
  }
  return [...rows.values()].sort((a, b) => a.code - b.code);
}
