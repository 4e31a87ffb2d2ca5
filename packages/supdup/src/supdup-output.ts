import { encodeInitialization, type SupdupTerminalParameters } from './words.js';

/** RFC 749 subnegotiation command codes. */
export const SupdupOutputCommand = {
  /** User → server: the terminal parameters, as in the RFC 734 initialization. */
  PARAMETERS: 1,
  /** Server → user: N, N %TD bytes, then the cursor's expected horizontal and vertical position. */
  OUTPUT: 2,
} as const;

/** RFC 749: "N … may not be greater than 254 (decimal)". */
export const MAX_SUPDUP_OUTPUT_CODES = 254;

/** The payload of `IAC SB SUPDUP-OUTPUT 1 <terminal-parameters> IAC SE` (RFC 749 §5). */
export function encodeSupdupOutputParameters(parameters: SupdupTerminalParameters): Uint8Array {
  const initialization = encodeInitialization(parameters);
  const payload = new Uint8Array(1 + initialization.length);
  payload[0] = SupdupOutputCommand.PARAMETERS;
  payload.set(initialization, 1);
  return payload;
}

/**
 * Reads `2 N TD1 … TDn SCx SCy` (RFC 749 §5). Undefined when the command is not 2, N is over 254, or the
 * length does not match N — the block is then ignored as a whole.
 */
export function decodeSupdupOutputBlock(
  payload: Uint8Array,
): { codes: Uint8Array; row: number; col: number } | undefined {
  if (payload.length < 4 || payload[0] !== SupdupOutputCommand.OUTPUT) return undefined;
  const count = payload[1]!;
  if (count > MAX_SUPDUP_OUTPUT_CODES || payload.length !== count + 4) return undefined;
  // SCx is the horizontal coordinate, SCy the vertical one.
  return { codes: payload.subarray(2, 2 + count), col: payload[2 + count]!, row: payload[3 + count]! };
}
