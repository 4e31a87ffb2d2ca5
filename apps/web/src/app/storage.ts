/** localStorage, or undefined where the browser forbids it (some privacy modes throw on access). */
export function browserStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/**
 * sessionStorage (this tab only, kept across a reload), or undefined where the browser forbids it:
 * where a session's credential to resume it is kept.
 */
export function browserSessionStorage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}
