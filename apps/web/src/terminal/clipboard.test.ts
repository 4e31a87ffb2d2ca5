import { describe, expect, it } from 'vitest';
import {
  type ClipboardEnv,
  copyMethod,
  copyProblem,
  copyText,
  pasteMethod,
  pasteProblem,
  readText,
} from './clipboard';

function api(options: { refuse?: boolean; text?: string } = {}) {
  const written: string[] = [];
  return {
    written,
    clipboard: {
      writeText: async (text: string) => {
        if (options.refuse) throw new Error('NotAllowedError');
        written.push(text);
      },
      readText: async () => {
        if (options.refuse) throw new Error('NotAllowedError');
        return options.text ?? '';
      },
    },
  };
}

function exec(works = true) {
  const copied: string[] = [];
  return {
    copied,
    execCopy: (text: string) => {
      if (works) copied.push(text);
      return works;
    },
  };
}

describe('choosing how to copy and paste', () => {
  it('uses the Clipboard API in a secure context', () => {
    const env: ClipboardEnv = { secure: true, ...api(), ...exec() };
    expect(copyMethod(env)).toBe('clipboard-api');
    expect(pasteMethod(env)).toBe('clipboard-api');
  });

  it('falls back to execCommand and the native paste on plain HTTP', () => {
    // Outside a secure context the browser has no navigator.clipboard at all.
    const env: ClipboardEnv = { secure: false, ...exec() };
    expect(copyMethod(env)).toBe('exec-command');
    expect(pasteMethod(env)).toBe('native');
    // Even if a polyfill put one there, it is not used.
    expect(copyMethod({ ...env, ...api() })).toBe('exec-command');
  });

  it('has nothing to copy with where execCommand is missing too', () => {
    expect(copyMethod({ secure: false })).toBe('none');
  });
});

describe('copying', () => {
  it('writes through the Clipboard API when it can', async () => {
    const clip = api();
    const fallback = exec();
    expect(await copyText('abc', { secure: true, ...clip, ...fallback })).toBe(true);
    expect(clip.written).toEqual(['abc']);
    expect(fallback.copied).toEqual([]);
  });

  it('falls back to execCommand when the Clipboard API refuses, or is absent', async () => {
    const fallback = exec();
    expect(await copyText('one', { secure: true, ...api({ refuse: true }), ...fallback })).toBe(true);
    expect(await copyText('two', { secure: false, ...fallback })).toBe(true);
    expect(fallback.copied).toEqual(['one', 'two']);
  });

  it('says so when nothing worked, and why', async () => {
    expect(await copyText('x', { secure: false, ...exec(false) })).toBe(false);
    expect(await copyText('x', { secure: false })).toBe(false);
    expect(
      await copyText('x', {
        secure: false,
        execCopy: () => {
          throw new Error('SecurityError');
        },
      }),
    ).toBe(false);
    expect(copyProblem({ secure: false })).toMatch(/^Copy needs HTTPS or localhost: /);
    expect(copyProblem({ secure: true }, true)).toContain('Cmd-C');
    expect(pasteProblem({ secure: false })).toMatch(/needs HTTPS or localhost: press Ctrl-Shift-V/);
  });
});

describe('reading the clipboard', () => {
  it('reads it where the page may, and leaves it to the browser elsewhere', async () => {
    expect(await readText({ secure: true, ...api({ text: 'pasted' }) })).toBe('pasted');
    expect(await readText({ secure: true, ...api({ refuse: true }) })).toBeUndefined();
    expect(await readText({ secure: false, ...exec() })).toBeUndefined();
  });
});
