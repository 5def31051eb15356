import { domainToASCII } from 'node:url';
import { DomainError } from './errors';
import type { Caller } from './user';

/**
 * Customer domains: one normalisation for what an admin types and for the domain part of an email,
 * so the ownership rule and auto-join compare like with like.
 */

/**
 * Before any normalisation the trimmed input may hold only letters of any script, digits, `-` and
 * `.`. Combining marks (\p{M}) count as part of letters: scripts such as Devanagari or Thai cannot
 * write a word without them. Everything that could make a URL out of a host (`/ ? : @ \ % *`,
 * brackets, spaces, `_`, format characters) fails here, before domainToASCII could reinterpret it.
 */
const ALLOWED_CHARACTERS = /^[\p{L}\p{M}\p{Nd}.-]+$/u;
/** A hostname label after punycode: 1–63 of a-z 0-9 -, not starting or ending with `-`. */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const MAX_DOMAIN_LENGTH = 253;

const invalid = (message: string): DomainError =>
  new DomainError('VALIDATION_FAILED', 'Invalid body', [{ path: 'customerDomain', message }]);

/**
 * Trim, lower-case, drop one trailing dot, Unicode → punycode (UTS #46 non-transitional, as
 * `node:url`'s domainToASCII does), then the hostname rules. Throws VALIDATION_FAILED.
 */
export function normaliseDomain(input: string): string {
  const trimmed = input.trim();
  if (trimmed === '') throw invalid('Must not be empty');
  if (!ALLOWED_CHARACTERS.test(trimmed)) {
    throw invalid('May contain only letters, digits, "-" and "."');
  }
  const lower = trimmed.toLowerCase();
  const withoutDot = lower.endsWith('.') ? lower.slice(0, -1) : lower;
  // '' when UTS #46 refuses it (bad punycode, disallowed code points, an unparseable IPv4 form).
  const ascii = domainToASCII(withoutDot);
  if (ascii === '') throw invalid('Must be a valid domain name');
  if (ascii.length > MAX_DOMAIN_LENGTH) {
    throw invalid(`Must be at most ${MAX_DOMAIN_LENGTH} characters`);
  }
  const labels = ascii.split('.');
  if (labels.length < 2) throw invalid('Must have at least two labels, e.g. example.com');
  if (!labels.every((label) => LABEL.test(label))) {
    throw invalid('Each label must be 1–63 of a-z, 0-9 and "-", not starting or ending with "-"');
  }
  // No top-level domain is numeric; a numeric last label is how URL parsers recognise IPv4
  // (domainToASCII even rewrites `1.2.3` to `1.2.0.3`).
  if (/^[0-9]+$/.test(labels[labels.length - 1] as string)) throw invalid('Must not be an IP address');
  return ascii;
}

/** The domain part of an email address, normalised like a customer domain; undefined if malformed. */
export function emailDomain(email: string | null | undefined): string | undefined {
  if (typeof email !== 'string') return undefined;
  const at = email.lastIndexOf('@');
  if (at <= 0) return undefined;
  try {
    return normaliseDomain(email.slice(at + 1));
  } catch {
    return undefined;
  }
}

/**
 * Public mailbox providers: anyone can have an address there, so none can be an account's domain
 * (auto-join on it would let strangers in). Matched exactly, after normalisation.
 */
export const PUBLIC_MAILBOX_DOMAINS: ReadonlySet<string> = new Set([
  // Google
  'gmail.com',
  'googlemail.com',
  // Microsoft
  'outlook.com',
  'outlook.de',
  'outlook.fr',
  'outlook.es',
  'outlook.it',
  'outlook.jp',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.de',
  'hotmail.fr',
  'hotmail.es',
  'hotmail.it',
  'live.com',
  'live.co.uk',
  'live.de',
  'live.fr',
  'live.nl',
  'msn.com',
  'passport.com',
  // Yahoo / AOL
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.co.jp',
  'yahoo.de',
  'yahoo.fr',
  'yahoo.es',
  'yahoo.it',
  'yahoo.ca',
  'yahoo.com.au',
  'yahoo.com.br',
  'yahoo.co.in',
  'ymail.com',
  'rocketmail.com',
  'aol.com',
  'aim.com',
  // Apple
  'icloud.com',
  'me.com',
  'mac.com',
  // Proton, Tuta and other privacy mail
  'proton.me',
  'protonmail.com',
  'protonmail.ch',
  'pm.me',
  'tutanota.com',
  'tutanota.de',
  'tutamail.com',
  'tuta.io',
  'tuta.com',
  'hushmail.com',
  'mailfence.com',
  'posteo.de',
  'posteo.net',
  'mailbox.org',
  'disroot.org',
  'duck.com',
  'fastmail.com',
  'fastmail.fm',
  'hey.com',
  'zoho.com',
  'zohomail.com',
  // GMX / United Internet
  'gmx.com',
  'gmx.net',
  'gmx.de',
  'gmx.at',
  'gmx.ch',
  'gmx.us',
  'web.de',
  'mail.com',
  'email.com',
  // Europe
  't-online.de',
  'freenet.de',
  'orange.fr',
  'wanadoo.fr',
  'free.fr',
  'laposte.net',
  'sfr.fr',
  'libero.it',
  'virgilio.it',
  'seznam.cz',
  'wp.pl',
  'o2.pl',
  'interia.pl',
  'onet.pl',
  'btinternet.com',
  'virginmedia.com',
  'sky.com',
  // Russia and neighbours
  'yandex.ru',
  'yandex.com',
  'yandex.ua',
  'yandex.by',
  'yandex.kz',
  'ya.ru',
  'mail.ru',
  'bk.ru',
  'inbox.ru',
  'list.ru',
  'internet.ru',
  'rambler.ru',
  // China
  'qq.com',
  'foxmail.com',
  '163.com',
  '126.com',
  'yeah.net',
  'vip.163.com',
  'vip.126.com',
  '188.com',
  'sina.com',
  'sina.cn',
  'sohu.com',
  'aliyun.com',
  '139.com',
  // Korea, Japan, India
  'naver.com',
  'daum.net',
  'hanmail.net',
  'kakao.com',
  'rediffmail.com',
  // North America ISPs and others
  'comcast.net',
  'verizon.net',
  'att.net',
  'sbcglobal.net',
  'bellsouth.net',
  'cox.net',
  'charter.net',
  'earthlink.net',
  'inbox.com',
  'lycos.com',
]);

export function assertNotPublicMailbox(domain: string): void {
  if (PUBLIC_MAILBOX_DOMAINS.has(domain)) {
    throw new DomainError(
      'DOMAIN_NOT_ALLOWED',
      `${domain} is a public mailbox provider and cannot be an account's domain`,
    );
  }
}

/** The caller proves a domain by a verified email on exactly that domain (no subdomain, no parent). */
export function assertOwnsDomain(caller: Caller, domain: string): void {
  if (!caller.emailVerified || emailDomain(caller.email) !== domain) {
    throw new DomainError(
      'DOMAIN_OWNERSHIP_REQUIRED',
      `Your verified email address must be on ${domain} to claim it`,
    );
  }
}

export const domainTaken = (domain: string): DomainError =>
  new DomainError('DOMAIN_TAKEN', `${domain} already belongs to another account`);
