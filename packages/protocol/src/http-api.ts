/**
 * What the gateway's operator API answers (GET /api/recordings, GET /api/sessions): the gateway
 * writes these shapes and the recordings page reads them.
 */

/** What the recordings page lists about one recording (its `.json` beside the `.cast`). */
export interface RecordingInfo {
  /** The session id, which names both files. */
  readonly id: string;
  readonly target: string;
  readonly user: string;
  readonly clientIp?: string;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  readonly bytesFromHost?: number;
  readonly bytesToHost?: number;
  /** How the session ended (`client_closed`, a GW_ERR_… code…); absent while it runs. */
  readonly closeReason?: string;
  /** Size of the .cast file. */
  readonly castBytes: number;
  readonly complete: boolean;
  readonly incompleteReason?: string;
  /** Still being recorded (no metadata yet, the session is live). */
  readonly live?: boolean;
}

/** One open session as GET /api/sessions lists it (tokens with the `watch` grant). */
export interface LiveSessionInfo {
  readonly sessionId: string;
  readonly target: string;
  /** The token's `sub`, or `anonymous`. */
  readonly user: string;
  readonly clientIp: string;
  /** ISO 8601. */
  readonly startedAt: string;
  /** `detached`: its browser went away and the session waits to be resumed (telgate.v2). */
  readonly state: 'attached' | 'detached';
  readonly recorded: boolean;
}
