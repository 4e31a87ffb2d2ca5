import { Cmd, commandName, optionName } from './constants.js';
import { bytesText, describeSubcommand } from './options/format.js';
import { optionHandler } from './options/registry.js';

/** Undoes IAC IAC inside a subnegotiation body. */
function unescapeIac(body: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let k = 0; k < body.length; k++) {
    out.push(body[k]!);
    if (body[k] === Cmd.IAC && body[k + 1] === Cmd.IAC) k++;
  }
  return Uint8Array.from(out);
}

/** `SB NAME` and the payload as the option's handler reads it (text or hex for an option without one). */
function describeSubnegotiation(opt: number, data: Uint8Array): string {
  const head = `SB ${optionName(opt)}`;
  if (data.length === 0) return head;
  const h = optionHandler(opt);
  let text: string;
  try {
    text = h?.describe ? h.describe(data) : describeSubcommand(h?.subcommands, data);
  } catch {
    text = bytesText(data);
  }
  return `${head} ${text}`;
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
