import * as z from 'zod/mini';
import { normaliseDomain } from '../domain/domains';
import { DomainError } from '../domain/errors';

/**
 * A customer domain as typed: the shape check (characters, hostname rules, length) is part of the
 * schema step, so it answers 400 before existence and role; the handler receives it normalised.
 */
export const CustomerDomain = z.pipe(
  z.string(),
  z.transform((value: string, ctx) => {
    try {
      return normaliseDomain(value);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      ctx.issues.push({
        code: 'custom',
        message: error.details?.[0]?.message ?? error.message,
        input: value,
      });
      return z.NEVER;
    }
  }),
);

/** PATCH /accounts/:id/domain: a domain, or null to remove it. */
export const DomainBody = z.strictObject({ customerDomain: z.nullable(CustomerDomain) });

/** PATCH /accounts/:id/membership. */
export const MembershipBody = z.strictObject({ allowDomainAutoJoin: z.boolean() });

/** The membership settings of an account; updatedAt changes with them and with the domain. */
export const Membership = z.object({
  customerId: z.string(),
  allowDomainAutoJoin: z.boolean(),
  customerDomain: z.nullable(z.string()),
  updatedAt: z.string(),
});
