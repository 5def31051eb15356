/**
 * What a write may require of the stored version of what it changes (the parsed If-Match):
 * `undefined` = nothing (last write wins); `any` = any current representation (`*`); else one of
 * `versions` (none at all: a malformed value, which matches nothing).
 */
export type ExpectedVersion = { any: true } | { any: false; versions: readonly number[] } | undefined;

export const matchesVersion = (expected: ExpectedVersion, version: number): boolean =>
  !expected || expected.any || expected.versions.includes(version);
