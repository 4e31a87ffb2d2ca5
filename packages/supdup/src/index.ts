export {
  createSupdupClient,
  RESIZE_UNSUPPORTED_REASON,
  type ResizeResult,
  SupdupClient,
  type SupdupClientOptions,
  type SupdupEvent,
  type SupdupEventHandler,
} from './client.js';
export {
  Bucky,
  ITP_BUCKY_FLAG,
  ITP_CURSOR_POSITION,
  ITP_ESCAPE,
  SUPDUP_ESCAPE,
  SUPDUP_LOCATION,
  SUPDUP_LOGOUT,
  TCTYP_SOFTWARE,
  Td,
  TELNET_OPTION_SUPDUP,
  TELNET_OPTION_SUPDUP_OUTPUT,
  TtyoptLeft,
  TtyoptRight,
  tdCodeName,
} from './constants.js';
export {
  encodeCursorPosition,
  encodeKey,
  encodeLocation,
  encodeLogout,
  encodeText,
  foldControl,
  type KeyEncoding,
  MAX_LOCATION_LENGTH,
  type SupdupKey,
} from './input.js';
export { MAX_ARGUMENTS, SupdupDisplay, type SupdupOutputEvent, sailCodeOf, sailGlyph } from './output.js';
export {
  decodeSupdupOutputBlock,
  encodeSupdupOutputParameters,
  MAX_SUPDUP_OUTPUT_CODES,
  SupdupOutputCommand,
} from './supdup-output.js';
export {
  buildTtyopt,
  clampScreen,
  encodeInitialization,
  halves,
  MAX_DIMENSION,
  type SupdupTerminalParameters,
  type TtyoptChoices,
  terminalParameters,
  wordToSixBitBytes,
} from './words.js';
