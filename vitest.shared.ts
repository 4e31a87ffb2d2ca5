import { fileURLToPath } from 'node:url';

/** Workspace packages resolve to their sources in tests, so no build step is needed first. */
export const workspaceAliases: Record<string, string> = {
  '@telgate/telnet-core': fileURLToPath(new URL('./packages/telnet-core/src/index.ts', import.meta.url)),
  '@telgate/supdup': fileURLToPath(new URL('./packages/supdup/src/index.ts', import.meta.url)),
  '@telgate/protocol': fileURLToPath(new URL('./packages/protocol/src/index.ts', import.meta.url)),
  '@telgate/demo-host': fileURLToPath(new URL('./packages/demo-host/src/index.ts', import.meta.url)),
  '@telgate/xterm-region-scroll': fileURLToPath(
    new URL('./packages/xterm-region-scroll/src/index.ts', import.meta.url),
  ),
  '@telgate/test-peers': fileURLToPath(new URL('./packages/test-peers/src/index.ts', import.meta.url)),
};
