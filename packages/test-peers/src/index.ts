export { CHROMIUM_ARGS, DEBIAN_CHROMIUM } from './chromium.js';
export { INSTALL_HINT, PeerError, type PeerErrorCode } from './errors.js';
export { DEFAULT_READ_TIMEOUT_MS, describeBytes, InboundBytes, type ReadPredicate } from './inbound-bytes.js';
export { findFreePort, LOOPBACK_HOST } from './loopback.js';
export { NETKIT_TELNETD_PATH, PEERS_DIR, SHELL_PROMPT } from './peer-files.js';
export { isProcessAlive } from './process-tree.js';
export {
  type NginxOptions,
  type NginxServer,
  type RedisServerOptions,
  renderTemplate,
  startNginx,
  startRedisServer,
} from './proxy-servers.js';
export { seededRandom } from './random.js';
export {
  connectRefusingClient,
  type NegotiationVerb,
  type ReceivedNegotiation,
  type RefusingTelnetClient,
} from './refusing-client.js';
export { type ReplayHost, type ReplayHostOptions, startReplayHost } from './replay-host.js';
export {
  type BytesLike,
  type ConnectionScript,
  type ScriptedConnection,
  type ScriptedHost,
  startScriptedHost,
} from './scripted-host.js';
export type { ServerProcess } from './server-process.js';
export { DEFAULT_READY_TIMEOUT_MS } from './server-process.js';
export {
  SUPDUP_DEMO_CURSOR,
  type SupdupHost,
  type SupdupHostOptions,
  type SupdupInitialization,
  type SupdupInput,
  SupdupInputDecoder,
  type SupdupSession,
  startSupdupHost,
  supdupDemoScreen,
} from './supdup-host.js';
export { createTelnetParser } from './telnet-parser.js';
export {
  startBusyboxTelnetd,
  startInetutilsTelnetd,
  startNetkitTelnetd,
  startTelnetServer,
  TELNET_SERVER_KINDS,
  type TelnetImplementation,
  type TelnetServer,
  type TelnetServerKind,
  type TelnetServerOptions,
} from './telnet-servers.js';
export { ensureTestUser, TEST_PASSWORD, TEST_USER, type TestUser } from './test-user.js';
