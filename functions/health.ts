import { handle, ok } from '../lib/http/edge';

/** GET /health: open, touches nothing. */
export const handler = handle({}, async () => ok({ status: 'ok' }));
