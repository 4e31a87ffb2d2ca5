import { closeCodeFor, type GatewayErrorCode } from '@telgate/protocol';

/**
 * A refusal or failure with a stable code. The code (and its close code) is what the browser sees;
 * `message` is a detail for the operator's logs, so it may name hosts and addresses.
 */
export class GatewayError extends Error {
  readonly code: GatewayErrorCode;
  /** The detail names nothing private, and tells the user more than the code: it goes to the page. */
  readonly tellUser: boolean;

  constructor(code: GatewayErrorCode, detail: string, options?: { cause?: unknown; tellUser?: boolean }) {
    super(detail, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.tellUser = options?.tellUser ?? false;
  }

  /** The WebSocket close code that carries this error to the browser. */
  get closeCode(): number {
    return closeCodeFor(this.code);
  }
}

/** Any thrown value as a GatewayError: unknown failures become GW_ERR_INTERNAL. */
export function asGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new GatewayError('GW_ERR_INTERNAL', detail, { cause: error });
}
