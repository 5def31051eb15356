import { type Event, type Result, reply } from './http';
import document from './openapi.json';

/**
 * GET /openapi.json at its floor: the same document, generated at build time (bench/run.ts writes
 * openapi.json from lib/schemas/openapi.ts) instead of from the schemas at cold start.
 */
export const handler = async (event: Event): Promise<Result> => reply(event, 200, document);
