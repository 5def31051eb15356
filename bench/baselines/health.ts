import { type Event, type Result, reply } from './http';

/** GET /health at its floor: no framework, no store. */
export const handler = async (event: Event): Promise<Result> => reply(event, 200, { status: 'ok' });
