import * as z from 'zod/mini';
import { BodyAccountId, DisplayName } from './common';

export const CreateAccountBody = z.strictObject({ company: DisplayName, name: DisplayName });
export const CreateChildBody = z.strictObject({
  name: DisplayName,
  company: z.optional(DisplayName),
  parentId: z.optional(BodyAccountId),
});
export const SwitchAccountBody = z.strictObject({ customerId: BodyAccountId });

/** `limit`: a plain decimal integer 1–100 (default 50); unknown parameters are ignored. */
export const ListAccountsQuery = z.object({
  limit: z.optional(
    z
      .pipe(
        z.string().check(z.regex(/^[0-9]{1,3}$/, 'Must be an integer from 1 to 100')),
        z.transform(Number),
      )
      .check(z.refine((n) => n >= 1 && n <= 100, 'Must be an integer from 1 to 100')),
  ),
  cursor: z.optional(z.string()),
});

export const AccountType = z.enum(['STANDALONE', 'PARENT', 'CHILD']);
export const RoleSchema = z.enum(['MEMBER', 'ADMIN', 'SUPER_ADMIN']);

export const Account = z.object({
  id: z.string(),
  company: z.string(),
  name: z.string(),
  customerDomain: z.nullable(z.string()),
  parentId: z.nullable(z.string()),
  type: AccountType,
  role: RoleSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const AccountList = z.object({ items: z.array(Account), nextCursor: z.nullable(z.string()) });
