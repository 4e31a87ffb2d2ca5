import type { TargetInfo } from '@telgate/protocol';
import { ALL_CONTROLS, type Controls, parseControls } from '../ui/controls';

/** What GET /api/targets says: the connect screen's choices. */
export interface TargetCatalog {
  readonly targets: readonly TargetInfo[];
  /** Whether the gateway accepts free-form hosts (`/ws?host=…`). */
  readonly freeForm: boolean;
  /** `token`: sessions need an access token, which only an embedding site can supply. */
  readonly authMode: string;
}

/**
 * What GET /api/config says about embedding. `embedAllowedOrigins` lists the origins of pages that may
 * frame the terminal and drive it with postMessage; the page's own origin is always allowed.
 */
export interface PageConfig {
  readonly embedAllowedOrigins: readonly string[];
  /** What a kiosk page offers (the gateway's `kiosk:` block); everything when it has none. */
  readonly kioskControls: Controls;
}

/** A failed API call, with a stable code and words for the user. */
export class GatewayApiError extends Error {
  constructor(
    readonly code: 'WEB_ERR_TARGETS_UNAVAILABLE' | 'WEB_ERR_BAD_RESPONSE' | 'WEB_ERR_TOKEN_REQUIRED',
    message: string,
  ) {
    super(message);
    this.name = 'GatewayApiError';
  }
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export async function fetchTargetCatalog(fetchFn: Fetch = fetch): Promise<TargetCatalog> {
  let response: Response;
  try {
    response = await fetchFn('/api/targets', { headers: { accept: 'application/json' } });
  } catch {
    throw new GatewayApiError('WEB_ERR_TARGETS_UNAVAILABLE', 'The gateway could not be reached.');
  }
  if (response.status === 401) {
    // With token auth the gateway lists its targets only to token holders.
    throw new GatewayApiError(
      'WEB_ERR_TOKEN_REQUIRED',
      'This gateway requires an access token. Open terminals from the site that links to them.',
    );
  }
  if (!response.ok) {
    throw new GatewayApiError(
      'WEB_ERR_TARGETS_UNAVAILABLE',
      `The gateway did not list its targets (HTTP ${response.status}).`,
    );
  }
  return parseTargetCatalog(await readJson(response));
}

/** The embedding policy; a gateway without /api/config allows no foreign parent. */
export async function fetchPageConfig(fetchFn: Fetch = fetch): Promise<PageConfig> {
  try {
    const response = await fetchFn('/api/config', { headers: { accept: 'application/json' } });
    if (!response.ok) return { embedAllowedOrigins: [], kioskControls: ALL_CONTROLS };
    return parsePageConfig(await response.json());
  } catch {
    return { embedAllowedOrigins: [], kioskControls: ALL_CONTROLS };
  }
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    throw new GatewayApiError('WEB_ERR_BAD_RESPONSE', 'The gateway’s target list is not valid JSON.');
  }
}

/** Checks the target list; a malformed entry is skipped rather than breaking the whole list. */
export function parseTargetCatalog(value: unknown): TargetCatalog {
  if (
    typeof value !== 'object' ||
    value === null ||
    !Array.isArray((value as { targets?: unknown }).targets)
  ) {
    throw new GatewayApiError('WEB_ERR_BAD_RESPONSE', 'The gateway’s target list has an unexpected shape.');
  }
  const { targets, freeForm, auth } = value as { targets: unknown[]; freeForm?: unknown; auth?: unknown };
  const freeFormEnabled =
    typeof freeForm === 'object' && freeForm !== null && (freeForm as { enabled?: unknown }).enabled === true;
  const mode = typeof auth === 'object' && auth !== null ? (auth as { mode?: unknown }).mode : undefined;
  return {
    targets: targets.flatMap((entry): TargetInfo[] => {
      const target = parseTarget(entry);
      return target ? [target] : [];
    }),
    freeForm: freeFormEnabled,
    authMode: typeof mode === 'string' ? mode : 'none',
  };
}

function parseTarget(value: unknown): TargetInfo | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, label, host, port, charset } = value as Record<string, unknown>;
  if (typeof id !== 'string' || !id || typeof host !== 'string' || !host) return undefined;
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) return undefined;
  return {
    id,
    label: typeof label === 'string' && label ? label : id,
    host,
    port: port as number,
    charset: typeof charset === 'string' && charset ? charset : 'UTF-8',
  };
}

export function parsePageConfig(value: unknown): PageConfig {
  const { embedAllowedOrigins: origins, kiosk } =
    typeof value === 'object' && value !== null
      ? (value as { embedAllowedOrigins?: unknown; kiosk?: unknown })
      : {};
  return {
    kioskControls: parseControls(kiosk),
    embedAllowedOrigins: Array.isArray(origins)
      ? origins.filter((origin): origin is string => typeof origin === 'string')
      : [],
  };
}
