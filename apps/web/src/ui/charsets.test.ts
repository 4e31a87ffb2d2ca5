import { describe, expect, it } from 'vitest';
import { CHARSET_CHOICES, listedCharset } from './CharsetSelect';

describe('the charsets offered', () => {
  it('include the common ones for Telnet hosts, and find a name whatever its case', () => {
    const names = CHARSET_CHOICES.map((choice) => choice.value);
    for (const name of [
      'UTF-8',
      'CP437',
      'CP437-glyphs',
      'ISO-8859-1',
      'ISO-8859-15',
      'windows-1252',
      'KOI8-R',
      'Shift_JIS',
    ])
      expect(names).toContain(name);
    expect(listedCharset('cp437')).toBe('CP437');
    expect(listedCharset('utf-8')).toBe('UTF-8');
    expect(listedCharset('ISO-8859-2')).toBeUndefined();
  });
});
