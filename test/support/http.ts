/** A small fetch wrapper for API tests against the local stack. */
export interface HttpReply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface HttpRequest {
  token?: string;
  body?: unknown;
  /** Sent as is, without a content type unless one is given in headers. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export function client(baseUrl: string) {
  return async (method: string, path: string, req: HttpRequest = {}): Promise<HttpReply> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(req.token ? { authorization: `Bearer ${req.token}` } : {}),
        ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...req.headers,
      },
      body: req.rawBody ?? (req.body === undefined ? undefined : JSON.stringify(req.body)),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: response.status, headers: response.headers, body, text };
  };
}
