export { asciiBytes, asciiString, concatBytes, escapeIac } from './bytes.js';
export {
  Cmd,
  commandName,
  FIRST_COMMAND,
  type NegotiationVerb,
  Opt,
  optionCode,
  optionName,
} from './constants.js';
export { describeCommand } from './describe.js';
export { encodeSubnegotiation, TelnetEngine } from './engine.js';
export { decodeEnviron, EnvironCmd, encodeEnvironIs } from './environ.js';
export type { EnvironVar, Side, TelnetEvent, TelnetEventHandler, TelnetWarningCode } from './events.js';
export { CLIENT_POLICY, mergePolicy, SERVER_POLICY } from './policy.js';
export {
  EOL_MODES,
  type EolMode,
  type LostDmMode,
  type OptionPolicy,
  type OptionSupport,
  type PolicyTable,
  type StartMode,
  type TelnetEngineOptions,
} from './settings.js';
