import { describe, expect, it, vi } from 'vitest';
import { findMailtoLinks, openLink, rowText, safeLinkUrl } from './links';

describe('safeLinkUrl', () => {
  it('accepts http, https and mailto', () => {
    expect(safeLinkUrl('https://example.org/a?b=1')).toBe('https://example.org/a?b=1');
    expect(safeLinkUrl('http://example.org')).toBe('http://example.org/');
    expect(safeLinkUrl('mailto:ops@example.org')).toBe('mailto:ops@example.org');
  });

  it('refuses every other scheme and anything that is not a URL', () => {
    expect(safeLinkUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeLinkUrl('JAVASCRIPT:alert(1)')).toBeUndefined();
    expect(safeLinkUrl('data:text/html,<b>x</b>')).toBeUndefined();
    expect(safeLinkUrl('file:///etc/passwd')).toBeUndefined();
    expect(safeLinkUrl('ftp://example.org')).toBeUndefined();
    expect(safeLinkUrl('not a url')).toBeUndefined();
    expect(safeLinkUrl('mailto:')).toBeUndefined();
  });
});

describe('openLink', () => {
  it('opens safe links without opener or referrer, and nothing else', () => {
    const open = vi.fn();
    expect(openLink('https://example.org/', open)).toBe(true);
    expect(open).toHaveBeenCalledWith('https://example.org/', '_blank', 'noopener,noreferrer');
    expect(openLink('javascript:void(0)', open)).toBe(false);
    expect(open).toHaveBeenCalledTimes(1);
  });
});

describe('findMailtoLinks', () => {
  it('finds addresses and leaves out sentence punctuation', () => {
    const text = 'Write to mailto:ops@example.org, or mailto:help@example.org?subject=Hi.';
    expect(findMailtoLinks(text)).toEqual([
      { start: 9, end: 31, url: 'mailto:ops@example.org' },
      { start: 36, end: 70, url: 'mailto:help@example.org?subject=Hi' },
    ]);
  });

  it('ignores mailto: without an address', () => {
    expect(findMailtoLinks('the mailto: scheme')).toEqual([]);
  });
});

describe('rowText', () => {
  it('maps text offsets back to columns across wide characters', () => {
    const cells = [
      { chars: '漢', width: 2 },
      { chars: '', width: 0 },
      { chars: 'a', width: 1 },
      { chars: '', width: 1 },
      { chars: '😀', width: 2 },
      { chars: '', width: 0 },
    ];
    expect(rowText(cells)).toEqual({ text: '漢a 😀', columns: [0, 2, 3, 4, 4] });
  });
});
