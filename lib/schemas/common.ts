import * as z from 'zod/mini';

// Every schema file imports `* as z from 'zod/mini'` itself: re-exporting the namespace would
// defeat tree-shaking and pull every zod locale into each bundle (about 420 KB).
const codePoints = (s: string): number => [...s].length;
const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}]/u;

/** A trimmed, non-empty string of at most 200 code points, stored trimmed. */
export const Text = z.string().check(
  z.trim(),
  z.refine((s) => s.length > 0, 'Must not be empty'),
  z.refine((s) => codePoints(s) <= 200, 'Must be at most 200 characters'),
);

/** A display name: Text without control or format characters (Unicode Cc, Cf). */
export const DisplayName = Text.check(
  z.refine((s) => !CONTROL_OR_FORMAT.test(s), 'Must not contain control or format characters'),
);

/**
 * An account id in a body: any non-empty string passes the schema; one that is not a well-formed
 * id is simply unknown (404), so the caller learns nothing from its shape.
 */
export const BodyAccountId = z.string().check(z.minLength(1, 'Must be a non-empty string'));
