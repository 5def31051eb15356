import { describe, expect, it } from 'vitest';
import { matchesVersion as matches } from '../../lib/domain/versions';
import { etag, parseIfMatch } from '../../lib/http/etag';

describe('If-Match', () => {
  it.each([
    [undefined, 3, true],
    ['*', 3, true],
    [etag(3), 3, true],
    [etag(2), 3, false],
    [`${etag(1)}, ${etag(3)}`, 3, true],
    [`W/${etag(3)}`, 3, false],
    ['v3', 3, false],
    ['"3"', 3, false],
    ['', 3, false],
    ['garbage', 3, false],
  ])('%j against version %i matches: %s', (header, version, expected) => {
    expect(matches(parseIfMatch(header), version)).toBe(expected);
  });
});
