/**
 * The few Web APIs the codec uses, which every runtime it targets (Node ≥ 20, browsers) has but the
 * bare `lib: ES2022` does not declare. Only the members used here; the build alone sees this file (the
 * tests and the apps get the full declarations from Node's or the DOM's types).
 */

interface TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}
declare var TextEncoder: { new (): TextEncoder };

interface TextDecoder {
  decode(input?: Uint8Array): string;
}
declare var TextDecoder: {
  new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): TextDecoder;
};

interface URL {
  readonly hash: string;
  readonly origin: string;
  readonly password: string;
  readonly pathname: string;
  readonly protocol: string;
  readonly search: string;
  readonly username: string;
}
declare var URL: { new (url: string, base?: string): URL };
