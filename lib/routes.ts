/**
 * The route table: written once, read by the CDK stack (one HttpApi route and one function per
 * entry) and by the local gateway (same matching, same authorizer decision).
 *
 * `handler` is the module under functions/ that exports `handler`; `access` says which table
 * actions the function may use, so CDK grants exactly that (least privilege).
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type TableAccess = 'none' | 'read' | 'write';

export interface Route {
  /** Stable name: the function's logical id in CDK and its name in logs and benchmarks. */
  readonly name: string;
  readonly method: HttpMethod;
  /** API Gateway path syntax: `{param}` for a path parameter. */
  readonly path: string;
  /** Module path relative to the project root, without extension. */
  readonly handler: string;
  /** false only for the two public routes. */
  readonly auth: boolean;
  readonly access: TableAccess;
}

// biome-ignore format: the route table reads best one route per line
export const routes: readonly Route[] = [
  { name: 'Health', method: 'GET', path: '/health', handler: 'functions/health', auth: false, access: 'none' },
  { name: 'OpenApi', method: 'GET', path: '/openapi.json', handler: 'functions/openapi', auth: false, access: 'none' },
  { name: 'GetCurrentAccount', method: 'GET', path: '/accounts/current', handler: 'functions/accounts/get-current', auth: true, access: 'read' },
  { name: 'SwitchAccount', method: 'PUT', path: '/accounts/current', handler: 'functions/accounts/switch', auth: true, access: 'write' },
  { name: 'ListAccounts', method: 'GET', path: '/accounts', handler: 'functions/accounts/list', auth: true, access: 'read' },
  { name: 'CreateAccount', method: 'POST', path: '/accounts', handler: 'functions/accounts/create', auth: true, access: 'write' },
  { name: 'CreateChild', method: 'POST', path: '/accounts/create-child', handler: 'functions/accounts/create-child', auth: true, access: 'write' },
  { name: 'GetAccount', method: 'GET', path: '/accounts/{customerId}', handler: 'functions/accounts/get', auth: true, access: 'read' },
  { name: 'DeleteAccount', method: 'DELETE', path: '/accounts/{customerId}', handler: 'functions/accounts/delete', auth: true, access: 'write' },
  { name: 'SetDomain', method: 'PATCH', path: '/accounts/{customerId}/domain', handler: 'functions/accounts/set-domain', auth: true, access: 'write' },
  { name: 'GetMembership', method: 'GET', path: '/accounts/{customerId}/membership', handler: 'functions/membership/get', auth: true, access: 'read' },
  { name: 'SetMembership', method: 'PATCH', path: '/accounts/{customerId}/membership', handler: 'functions/membership/set', auth: true, access: 'write' },
  { name: 'GetPreferences', method: 'GET', path: '/notification-preferences', handler: 'functions/preferences/get', auth: true, access: 'read' },
  { name: 'PutPreferences', method: 'PUT', path: '/notification-preferences', handler: 'functions/preferences/put', auth: true, access: 'write' },
];

/** The Cognito post-confirmation trigger: same layering, no HTTP. */
export const triggers = [
  {
    name: 'PostConfirmation',
    handler: 'functions/triggers/post-confirmation',
    access: 'write' as TableAccess,
  },
] as const;

/**
 * Matches a request the way API Gateway does: exact literal segments win over `{param}` ones
 * (so `/accounts/current` never reaches `/accounts/{customerId}`).
 */
export function matchRoute(
  method: string,
  path: string,
): { route: Route; pathParameters: Record<string, string> } | undefined {
  const segments = path.split('/').slice(1);
  let best: { route: Route; pathParameters: Record<string, string>; literals: number } | undefined;
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/').slice(1);
    if (pattern.length !== segments.length) continue;
    const pathParameters: Record<string, string> = {};
    let literals = 0;
    const ok = pattern.every((part, i) => {
      const segment = segments[i] ?? '';
      if (part.startsWith('{')) {
        if (segment === '') return false;
        pathParameters[part.slice(1, -1)] = safeDecode(segment);
        return true;
      }
      literals++;
      return part === segment;
    });
    if (ok && (!best || literals > best.literals)) best = { route, pathParameters, literals };
  }
  return best && { route: best.route, pathParameters: best.pathParameters };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
