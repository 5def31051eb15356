import { handle, membershipEtag, membershipView, ok } from '../../lib/http';
import { pathAccount } from '../../lib/http/targets';
import { setMembershipSettings } from '../../lib/operations/membership';
import { MembershipBody } from '../../lib/schemas/domains';

/** PATCH /accounts/:customerId/membership: body {allowDomainAutoJoin}; ADMIN; honours the membership's If-Match. */
export const handler = handle(
  { body: MembershipBody, account: pathAccount('ADMIN'), version: (a) => a.settingsVersion },
  async ({ target, body, ifMatch }) => {
    const membership = await setMembershipSettings(target, body, ifMatch);
    return ok(membershipView(membership.account), membershipEtag(membership));
  },
);
