/** The one fetch wrapper of the API tests (HTTP against the local stack). */
export interface HttpReply {
  status: number;
  headers: Headers;
  etag: string | null;
  body: any;
  text: string;
}

/** A body sent as is, with no content type unless the headers give one. */
export class RawBody {
  constructor(readonly text: string) {}
}

/**
 * `api(token, method, path, body?, headers?)`: a JSON body gets `content-type: application/json`;
 * the reply's body is parsed when it is JSON.
 */
export function apiClient(baseUrl: () => string) {
  return async (
    token: string | undefined,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpReply> => {
    const json = body !== undefined && !(body instanceof RawBody);
    const response = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(json ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body instanceof RawBody ? body.text : json ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return {
      status: response.status,
      headers: response.headers,
      etag: response.headers.get('etag'),
      body: parsed,
      text,
    };
  };
}
