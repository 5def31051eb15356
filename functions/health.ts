import { handle, ok } from '../lib/http';

/** GET /health: open, touches nothing. */
export const handler = handle({}, async () => ok({ status: 'ok' }));
