// Pure text helpers: which substrings become links, and how days and times are labelled.
import { describe, expect, it } from 'vitest';
import { dayLabel, relativeTime, sameDay } from './format.js';
import { splitLinks } from './linkify.js';

describe('splitLinks', () => {
  it('links http(s) and www URLs and leaves trailing punctuation outside', () => {
    expect(splitLinks('See https://example.com/a?b=1. Or www.example.org, ok')).toEqual([
      'See ',
      { href: 'https://example.com/a?b=1', text: 'https://example.com/a?b=1' },
      '. Or ',
      { href: 'https://www.example.org/', text: 'www.example.org' },
      ', ok',
    ]);
  });

  it('never links other schemes or markup', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', '<a href="https://x.test">x</a> mailto:a@b.c']) {
      expect(splitLinks(text).filter((p) => typeof p !== 'string').every((p) => typeof p !== 'string' && p.href.startsWith('https://'))).toBe(true);
    }
    expect(splitLinks('javascript:alert(1)')).toEqual(['javascript:alert(1)']);
  });
});

describe('format', () => {
  const now = new Date(2025, 5, 18, 15, 0); // a Wednesday
  it('labels days as Today, Yesterday, a weekday, then a date', () => {
    expect(dayLabel(new Date(2025, 5, 18, 9, 0), now, 'en')).toBe('Today');
    expect(dayLabel(new Date(2025, 5, 17, 23, 0), now, 'en')).toBe('Yesterday');
    expect(dayLabel(new Date(2025, 5, 14, 12, 0), now, 'en')).toBe('Saturday');
    expect(dayLabel(new Date(2025, 2, 3, 12, 0), now, 'en')).toBe('March 3');
    expect(dayLabel(new Date(2023, 2, 3, 12, 0), now, 'en')).toBe('Mar 3, 2023');
  });

  it('says relative times in words', () => {
    expect(relativeTime(new Date(now.getTime() - 10_000), now, 'en')).toBe('now');
    expect(relativeTime(new Date(now.getTime() - 5 * 60_000), now, 'en')).toBe('5 minutes ago');
    expect(relativeTime(new Date(now.getTime() - 3 * 3_600_000), now, 'en')).toBe('3 hours ago');
    expect(sameDay(now, new Date(2025, 5, 18, 0, 1))).toBe(true);
  });
});
