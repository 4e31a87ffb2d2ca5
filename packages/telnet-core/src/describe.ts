import { asciiString } from './bytes.js';
import { Cmd, commandName, Opt, optionName } from './constants.js';
import { decodeEnviron } from './environ.js';

const SUB_NAMES: Record<number, readonly string[]> = {
  [Opt.TTYPE]: ['IS', 'SEND'],
  [Opt.TSPEED]: ['IS', 'SEND'],
  [Opt.XDISPLOC]: ['IS', 'SEND'],
  [Opt.NEW_ENVIRON]: ['IS', 'SEND', 'INFO'],
  [Opt.OLD_ENVIRON]: ['IS', 'SEND', 'INFO'],
  [Opt.STATUS]: ['IS', 'SEND'],
  [Opt.CHARSET]: [
    '',
    'REQUEST',
    'ACCEPTED',
    'REJECTED',
    'TTABLE-IS',
    'TTABLE-REJECTED',
    'TTABLE-ACK',
    'TTABLE-NAK',
  ],
};

function quoted(text: string): string {
  return JSON.stringify(text);
}

function bytesText(data: Uint8Array): string {
  const printable = data.length > 0 && data.every((b) => b >= 0x20 && b < 0x7f);
  if (printable) return quoted(asciiString(data));
  return Array.from(data, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Undoes IAC IAC inside a subnegotiation body. */
function unescapeIac(body: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let k = 0; k < body.length; k++) {
    out.push(body[k]!);
    if (body[k] === Cmd.IAC && body[k + 1] === Cmd.IAC) k++;
  }
  return Uint8Array.from(out);
}

function describeSubnegotiation(opt: number, data: Uint8Array): string {
  const head = `SB ${optionName(opt)}`;
  if (data.length === 0) return head;
  if (opt === Opt.NAWS && data.length === 4) {
    return `${head} ${(data[0]! << 8) | data[1]!} ${(data[2]! << 8) | data[3]!}`;
  }
  const names = SUB_NAMES[opt];
  const sub = names?.[data[0]!];
  if (!sub) return `${head} ${bytesText(data)}`;
  const rest = data.subarray(1);
  if (opt === Opt.NEW_ENVIRON || opt === Opt.OLD_ENVIRON) {
    const vars = decodeEnviron(rest).map(
      (v) =>
        `${v.kind.toUpperCase()} ${quoted(v.name)}${v.value === undefined ? '' : ` VALUE ${quoted(v.value)}`}`,
    );
    return [head, sub, ...vars].join(' ');
  }
  if (opt === Opt.STATUS && rest.length > 0) {
    const parts: string[] = [];
    for (let k = 0; k + 1 < rest.length; k += 2)
      parts.push(`${commandName(rest[k]!)} ${optionName(rest[k + 1]!)}`);
    return `${head} ${sub} ${parts.join(', ')}`;
  }
  return rest.length > 0 ? `${head} ${sub} ${bytesText(rest)}` : `${head} ${sub}`;
}

/**
 * A readable form of one Telnet command as the engine traces it: `DO NAWS`, `SB NAWS 120 40`,
 * `SB TTYPE IS "XTERM"`, `IP`.
 */
export function describeCommand(bytes: Uint8Array): string {
  if (bytes.length < 2 || bytes[0] !== Cmd.IAC) return bytesText(bytes);
  const cmd = bytes[1]!;
  if (cmd >= Cmd.WILL && cmd <= Cmd.DONT && bytes.length >= 3)
    return `${commandName(cmd)} ${optionName(bytes[2]!)}`;
  if (cmd === Cmd.SB && bytes.length >= 3) {
    const end = bytes.length >= 5 && bytes[bytes.length - 2] === Cmd.IAC ? bytes.length - 2 : bytes.length;
    return describeSubnegotiation(bytes[2]!, unescapeIac(bytes.subarray(3, end)));
  }
  return commandName(cmd);
}
