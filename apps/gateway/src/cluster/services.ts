import type { Drain } from './drain.js';
import type { SharedLimits } from './shared-limits.js';

/** What the gateway shares with the others behind one proxy, and its drain. */
export interface ClusterServices {
  /** cluster.gatewayId; undefined for a gateway on its own. */
  readonly gatewayId: string | undefined;
  readonly drain: Drain;
  /** The limits shared in Redis; undefined without cluster.redis. */
  readonly shared: SharedLimits | undefined;
}
