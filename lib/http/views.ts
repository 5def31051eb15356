import { type AccessibleAccount, accountType } from '../domain/account';
import { etag } from './etag';

/** The contract's Account object: the stored account plus the caller's effective role. */
export function accountView({ account, role }: AccessibleAccount) {
  return {
    id: account.id,
    company: account.company,
    name: account.name,
    customerDomain: account.customerDomain,
    parentId: account.parentId,
    type: accountType(account),
    role,
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
  };
}

/** The account's ETag: its stored version, whoever asks. */
export const accountEtag = ({ account }: AccessibleAccount) => ({ etag: etag(account.version) });

/** The contract's membership object: the account's membership settings. */
export function membershipView(account: AccessibleAccount['account']) {
  return {
    customerId: account.id,
    allowDomainAutoJoin: account.allowDomainAutoJoin,
    customerDomain: account.customerDomain,
    updatedAt: account.settingsUpdatedAt,
  };
}

/** The membership's ETag: its own version, which the account's ETag does not follow. */
export const membershipEtag = ({ account }: AccessibleAccount) => ({ etag: etag(account.settingsVersion) });
