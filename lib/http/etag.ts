/**
 * Strong ETags derived from the version kept on the stored item, so they change exactly when the
 * resource does and never with the caller. If-Match is parsed once here; a malformed value (or a
 * weak tag, which strong comparison never matches) matches nothing.
 */
import type { ExpectedVersion } from '../domain/versions';

export const etag = (version: number): string => `"v${version}"`;

export function parseIfMatch(header: string | undefined): ExpectedVersion {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return { any: true };
  const versions: number[] = [];
  for (const part of value.split(',')) {
    const match = /^"v(\d{1,15})"$/.exec(part.trim());
    if (match) versions.push(Number(match[1]));
  }
  return { any: false, versions };
}
