export { asciiBytes, asciiString, concatBytes, escapeIac } from './bytes.js';
export {
  Cmd,
  commandName,
  FIRST_COMMAND,
  type NegotiationVerb,
  Opt,
  optionCode,
  optionName,
  TWO_BYTE_COMMANDS,
} from './constants.js';
export { describeCommand } from './describe.js';
export {
  type EolMode,
  encodeSubnegotiation,
  type LostDmMode,
  type StartMode,
  TelnetEngine,
  type TelnetEngineOptions,
} from './engine.js';
export { decodeEnviron, EnvironCmd, encodeEnvironIs } from './environ.js';
export type { EnvironVar, Side, TelnetEvent, TelnetEventHandler, TelnetWarningCode } from './events.js';
export {
  CLIENT_POLICY,
  mergePolicy,
  type OptionPolicy,
  type OptionSupport,
  type PolicyTable,
  SERVER_POLICY,
} from './policy.js';
