import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { byteByByte, parseTranscript, runTranscript } from './transcript.js';

const dir = join(import.meta.dirname, 'transcripts');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.tn'))
  .sort();

describe('golden transcripts', () => {
  it('cover at least 40 RFC rules', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  for (const file of files) {
    const t = parseTranscript(readFileSync(join(dir, file), 'utf8'));
    describe(`${file}: ${t.title}`, () => {
      it('produces the expected events', () => {
        expect(t.rule, 'each transcript names the rule it proves').not.toBe('');
        expect(runTranscript(t)).toEqual(t.expected);
      });
      it('produces the same events when fed one byte at a time', () => {
        expect(runTranscript(t, byteByByte)).toEqual(t.expected);
      });
    });
  }
});
