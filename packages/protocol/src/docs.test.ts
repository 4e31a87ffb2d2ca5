import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GATEWAY_ERRORS, type GatewayErrorCode } from './close-codes.js';
import { ACTION_CODES, type Action, ClientFrameType, ServerFrameType } from './frame-types.js';
import { AUTO_LOGIN_NOTICE } from './payloads.js';

// docs/protocol.md is the published contract: its tables must say what the code does.
const spec = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');

/** The cells of every table row in the spec whose first cell is `firstCell`. */
function tableRows(firstCell: string): string[][] {
  return spec
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    )
    .filter((cells) => cells[0] === firstCell);
}

const hex = (byte: number) => `0x${byte.toString(16).padStart(2, '0')}`;

describe('docs/protocol.md', () => {
  it('lists every gateway error with its close code and message', () => {
    for (const code of Object.keys(GATEWAY_ERRORS) as GatewayErrorCode[]) {
      const { closeCode, message } = GATEWAY_ERRORS[code];
      const rows = tableRows(String(closeCode)).filter((row) => row[1] === `\`${code}\``);
      expect(rows, code).toHaveLength(1);
      expect(rows[0]![3], code).toBe(message);
    }
  });

  it('gives every action its byte', () => {
    for (const action of Object.keys(ACTION_CODES) as Action[]) {
      const rows = tableRows(`\`${hex(ACTION_CODES[action])}\``);
      expect(
        rows.map((row) => row[1]),
        action,
      ).toContain(`\`${action}\``);
    }
  });

  it('has a section for every frame type', () => {
    for (const [name, byte] of [...Object.entries(ClientFrameType), ...Object.entries(ServerFrameType)]) {
      expect(spec, name).toMatch(new RegExp(`^#### \`${hex(byte)}\` ${name}\\b`, 'm'));
    }
  });

  it('lists the automatic sign-in notice codes', () => {
    for (const code of Object.values(AUTO_LOGIN_NOTICE)) {
      expect(tableRows(`\`${code}\``), code).toHaveLength(1);
    }
  });
});
