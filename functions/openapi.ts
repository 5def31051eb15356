import { handle, ok } from '../lib/http';
import { openApiDocument } from '../lib/schemas/openapi';

/** GET /openapi.json: open; built once per container from the validating schemas. */
const document = openApiDocument();
export const handler = handle({}, async () => ok(document));
