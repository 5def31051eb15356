/** What a route file needs from the edge. */
export { handle } from './edge';
export { etag } from './etag';
export { created, noContent, ok } from './response';
export { accountEtag, accountView, membershipEtag, membershipView } from './views';
