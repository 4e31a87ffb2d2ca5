import { inspect } from 'node:util';

const SHOWN = '[secret]';

/**
 * A credential from the configuration or a token (an auto-login password). It prints, serialises and
 * logs as `[secret]`; only `reveal()` gives the text, for the one place that sends it to the host.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return SHOWN;
  }

  toJSON(): string {
    return SHOWN;
  }

  [inspect.custom](): string {
    return SHOWN;
  }
}
