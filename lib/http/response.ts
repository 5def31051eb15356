import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** What a route returns; the edge adds the shared headers. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const ok = (body: unknown, headers?: Record<string, string>): Reply => ({
  status: 200,
  body,
  headers,
});
export const created = (body: unknown, headers?: Record<string, string>): Reply => ({
  status: 201,
  body,
  headers,
});
export const noContent = (): Reply => ({ status: 204 });

/** Every handler response: JSON, never cached, traceable by its request id. */
export function toResult(reply: Reply, requestId: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: reply.status,
    headers: {
      ...(reply.body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-request-id': requestId,
      ...reply.headers,
    },
    body: reply.body === undefined ? '' : JSON.stringify(reply.body),
  };
}
