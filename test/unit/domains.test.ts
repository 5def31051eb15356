import { describe, expect, it } from 'vitest';
import type { AccountRecord } from '../../lib/domain/account';
import {
  assertNotPublicMailbox,
  assertOwnsDomain,
  emailDomain,
  normaliseDomain,
  PUBLIC_MAILBOX_DOMAINS,
} from '../../lib/domain/domains';
import { DomainError } from '../../lib/domain/errors';
import { assertCanRemoveDomain, assertCanSetAutoJoin } from '../../lib/domain/membership';
import { DomainBody } from '../../lib/schemas/domains';

/** What the contract's Domain section says about the shape of customerDomain, value by value. */
const label63 = 'a'.repeat(63);
// 63+1+63+1+63+1+61 = 253 characters: the longest allowed; one more is too long.
const longest = `${label63}.${label63}.${label63}.${'b'.repeat(57)}.com`;

const good: [string, string, string][] = [
  ['plain', 'acme.com', 'acme.com'],
  ['upper case', 'ACME.COM', 'acme.com'],
  ['mixed case', 'AcMe.CoM', 'acme.com'],
  ['surrounding spaces', '  acme.com  ', 'acme.com'],
  ['one trailing dot', 'acme.com.', 'acme.com'],
  ['subdomain', 'eu.acme.com', 'eu.acme.com'],
  ['hyphen inside a label', 'my-company.co.uk', 'my-company.co.uk'],
  ['digits', 'acme2024.io', 'acme2024.io'],
  ['numeric first label', '123.com', '123.com'],
  ['IDN (umlaut)', 'münchen.de', 'xn--mnchen-3ya.de'],
  ['IDN upper case', 'MÜNCHEN.DE', 'xn--mnchen-3ya.de'],
  ['IDN non-transitional ß', 'faß.de', 'xn--fa-hia.de'],
  ['IDN Japanese', '例え.テスト', 'xn--r8jz45g.xn--zckzah'],
  ['IDN Cyrillic', 'пример.рф', 'xn--e1afmkfd.xn--p1ai'],
  ['already punycode', 'xn--mnchen-3ya.de', 'xn--mnchen-3ya.de'],
  ['63-character label', `${label63}.com`, `${label63}.com`],
  ['253 characters', longest, longest],
  ['single-character labels', 'a.b.co', 'a.b.co'],
];

const bad: [string, string][] = [
  ['empty', ''],
  ['spaces only', '   '],
  ['one label', 'localhost'],
  ['scheme', 'https://acme.com'],
  ['port', 'acme.com:443'],
  ['path', 'acme.com/login'],
  ['query', 'acme.com?x=1'],
  ['user info', 'bob@acme.com'],
  ['backslash', 'acme.com\\x'],
  ['percent encoding', 'acme%2ecom'],
  ['wildcard', '*.acme.com'],
  ['space inside', 'ac me.com'],
  ['underscore', 'ac_me.com'],
  ['IPv4', '192.168.0.1'],
  ['IPv4 shorthand', '1.2.3'],
  ['IPv4 in hex', '0x7f.1'],
  ['IPv6', '::1'],
  ['IPv6 in brackets', '[2001:db8::1]'],
  ['numeric top-level label', 'acme.123'],
  ['two trailing dots', 'acme.com..'],
  ['leading dot', '.acme.com'],
  ['empty label', 'acme..com'],
  ['label starting with a hyphen', '-acme.com'],
  ['label ending with a hyphen', 'acme-.com'],
  ['64-character label', `${'a'.repeat(64)}.com`],
  ['254 characters', `a${longest}`],
  ['broken punycode', 'xn--zzzz.com'],
  ['soft hyphen (format character)', 'ac\u00adme.com'],
  ['zero-width space', 'ac\u200bme.com'],
  ['ideographic full stop', 'acme。com'],
  ['emoji', '😀.com'],
];

describe('normaliseDomain', () => {
  it.each(good)('accepts %s: %j → %j', (_name, input, expected) => {
    expect(normaliseDomain(input)).toBe(expected);
  });

  it.each(bad)('rejects %s: %j', (_name, input) => {
    let thrown: unknown;
    try {
      normaliseDomain(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).code).toBe('VALIDATION_FAILED');
    expect((thrown as DomainError).details?.[0]?.path).toBe('customerDomain');
  });

  it('has at least 30 cases in its table', () => {
    expect(good.length + bad.length).toBeGreaterThanOrEqual(30);
  });
});

describe('DomainBody (the schema step)', () => {
  it('hands the handler the normalised domain', () => {
    expect(DomainBody.parse({ customerDomain: ' MÜNCHEN.de. ' })).toEqual({
      customerDomain: 'xn--mnchen-3ya.de',
    });
  });

  it('accepts null (remove the domain)', () => {
    expect(DomainBody.parse({ customerDomain: null })).toEqual({ customerDomain: null });
  });

  it.each([
    ['a bad shape', { customerDomain: 'https://acme.com' }],
    ['a missing field', {}],
    ['a wrong type', { customerDomain: 42 }],
    ['an unknown field', { customerDomain: 'acme.com', extra: true }],
  ])('fails on %s', (_name, body) => {
    expect(DomainBody.safeParse(body).success).toBe(false);
  });

  it('names customerDomain in the issue', () => {
    const result = DomainBody.safeParse({ customerDomain: 'acme.com/x' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['customerDomain']);
  });
});

describe('public mailbox providers', () => {
  const named = [
    'gmail.com',
    'googlemail.com',
    'outlook.com',
    'hotmail.com',
    'live.com',
    'yahoo.com',
    'icloud.com',
    'me.com',
    'aol.com',
    'proton.me',
    'protonmail.com',
    'gmx.com',
    'mail.com',
    'yandex.ru',
    'qq.com',
    '163.com',
  ];

  it.each(named)('%s is on the list and refused with DOMAIN_NOT_ALLOWED', (domain) => {
    expect(PUBLIC_MAILBOX_DOMAINS.has(domain)).toBe(true);
    expect(() => assertNotPublicMailbox(domain)).toThrow(
      expect.objectContaining({ code: 'DOMAIN_NOT_ALLOWED' }),
    );
  });

  it('matches after normalisation (GMAIL.COM. is gmail.com)', () => {
    expect(() => assertNotPublicMailbox(normaliseDomain('GMAIL.COM.'))).toThrow(
      expect.objectContaining({ code: 'DOMAIN_NOT_ALLOWED' }),
    );
  });

  it('lets a company domain through', () => {
    expect(() => assertNotPublicMailbox('acme.com')).not.toThrow();
  });

  it('holds only normalised entries (each would pass normaliseDomain unchanged)', () => {
    for (const domain of PUBLIC_MAILBOX_DOMAINS) expect(normaliseDomain(domain)).toBe(domain);
  });
});

describe('emailDomain', () => {
  it.each([
    ['bob@acme.com', 'acme.com'],
    ['Bob@ACME.COM', 'acme.com'],
    ['bob@acme.com.', 'acme.com'],
    ['bob@münchen.de', 'xn--mnchen-3ya.de'],
    ['"odd@local"@acme.com', 'acme.com'],
    ['bob@eu.acme.com', 'eu.acme.com'],
  ])('%j → %j', (email, domain) => {
    expect(emailDomain(email)).toBe(domain);
  });

  it.each([
    undefined,
    null,
    '',
    'bob',
    '@acme.com',
    'bob@',
    'bob@localhost',
    'bob@acme.com/x',
    'bob@[127.0.0.1]',
  ])('%j has none', (email) => {
    expect(emailDomain(email)).toBeUndefined();
  });
});

describe('assertOwnsDomain', () => {
  const caller = (email: string | undefined, emailVerified = true) => ({ sub: 's', email, emailVerified });
  const refused = expect.objectContaining({ code: 'DOMAIN_OWNERSHIP_REQUIRED' });

  it('accepts a verified email on exactly that domain, in any case', () => {
    expect(() => assertOwnsDomain(caller('bob@acme.com'), 'acme.com')).not.toThrow();
    expect(() => assertOwnsDomain(caller('Bob@Acme.COM'), 'acme.com')).not.toThrow();
    expect(() => assertOwnsDomain(caller('bob@münchen.de'), 'xn--mnchen-3ya.de')).not.toThrow();
  });

  it.each([
    ['an unverified email', caller('bob@acme.com', false), 'acme.com'],
    ['no email', caller(undefined), 'acme.com'],
    ['a subdomain email', caller('bob@eu.acme.com'), 'acme.com'],
    ['a parent-domain email', caller('bob@acme.com'), 'eu.acme.com'],
    ['a look-alike suffix', caller('bob@acme.com.evil.io'), 'acme.com'],
    ['a look-alike prefix', caller('bob@xacme.com'), 'acme.com'],
    ['another domain', caller('bob@other.io'), 'acme.com'],
  ])('refuses %s', (_name, who, domain) => {
    expect(() => assertOwnsDomain(who, domain)).toThrow(refused);
  });
});

describe('membership rules', () => {
  const account = (fields: Partial<AccountRecord>): AccountRecord => ({
    id: 'a',
    company: 'Acme',
    name: 'Acme',
    customerDomain: null,
    parentId: null,
    childCount: 0,
    allowDomainAutoJoin: false,
    version: 1,
    settingsVersion: 1,
    settingsUpdatedAt: '',
    createdAt: '',
    updatedAt: '',
    ...fields,
  });

  it('enabling auto-join needs a domain (DOMAIN_REQUIRED); disabling never does', () => {
    expect(() => assertCanSetAutoJoin(account({}), true)).toThrow(
      expect.objectContaining({ code: 'DOMAIN_REQUIRED' }),
    );
    expect(() => assertCanSetAutoJoin(account({ customerDomain: 'acme.com' }), true)).not.toThrow();
    expect(() => assertCanSetAutoJoin(account({}), false)).not.toThrow();
  });

  it('removing the domain while auto-join is on is AUTO_JOIN_ENABLED', () => {
    expect(() =>
      assertCanRemoveDomain(account({ customerDomain: 'acme.com', allowDomainAutoJoin: true })),
    ).toThrow(expect.objectContaining({ code: 'AUTO_JOIN_ENABLED' }));
    expect(() => assertCanRemoveDomain(account({ customerDomain: 'acme.com' }))).not.toThrow();
  });
});
