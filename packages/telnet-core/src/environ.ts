import { asciiBytes, asciiString } from './bytes.js';
import type { EnvironVar } from './events.js';

/** NEW-ENVIRON (RFC 1572) type bytes. */
export const EnvironCmd = { VAR: 0, VALUE: 1, ESC: 2, USERVAR: 3 } as const;

/** Variables RFC 1572 defines; the others travel as USERVAR. */
const WELL_KNOWN = new Set(['USER', 'JOB', 'ACCT', 'PRINTER', 'SYSTEMTYPE', 'DISPLAY']);

const IS = 0;

/** Whether a variable travels as VAR (defined by RFC 1572) or USERVAR. */
export function environKind(name: string): 'var' | 'uservar' {
  return WELL_KNOWN.has(name) ? 'var' : 'uservar';
}

function pushEscaped(out: number[], text: string): void {
  for (const b of asciiBytes(text)) {
    if (b <= EnvironCmd.USERVAR) out.push(EnvironCmd.ESC);
    out.push(b);
  }
}

/** IS followed by VAR/USERVAR name VALUE value for each variable; VAR, VALUE, ESC and USERVAR bytes are escaped. */
export function encodeEnvironIs(vars: ReadonlyArray<readonly [string, string]>): number[] {
  const out: number[] = [IS];
  for (const [name, value] of vars) {
    out.push(environKind(name) === 'var' ? EnvironCmd.VAR : EnvironCmd.USERVAR);
    pushEscaped(out, name);
    out.push(EnvironCmd.VALUE);
    pushEscaped(out, value);
  }
  return out;
}

/** Decodes a VAR/USERVAR list (after the IS/INFO/SEND byte). Bytes before the first VAR/USERVAR are ignored. */
export function decodeEnviron(data: Uint8Array): EnvironVar[] {
  const vars: EnvironVar[] = [];
  let current: { kind: 'var' | 'uservar'; name: number[]; value: number[] | undefined } | undefined;
  const finish = () => {
    if (current) {
      vars.push({
        kind: current.kind,
        name: asciiString(Uint8Array.from(current.name)),
        value: current.value === undefined ? undefined : asciiString(Uint8Array.from(current.value)),
      });
    }
  };
  for (let k = 0; k < data.length; k++) {
    let b = data[k]!;
    if (b === EnvironCmd.VAR || b === EnvironCmd.USERVAR) {
      finish();
      current = { kind: b === EnvironCmd.VAR ? 'var' : 'uservar', name: [], value: undefined };
      continue;
    }
    if (!current) continue;
    if (b === EnvironCmd.VALUE) {
      current.value = [];
      continue;
    }
    if (b === EnvironCmd.ESC) {
      if (k + 1 >= data.length) break;
      b = data[++k]!;
    }
    (current.value ?? current.name).push(b);
  }
  finish();
  return vars;
}
