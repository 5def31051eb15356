/**
 * Configuration, read once at init. A function that lacks what it needs fails at cold start,
 * not on the first request.
 */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Missing environment variable ${name}`);
  return value;
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

export interface Config {
  readonly tableName: string;
  /** Only set locally (DynamoDB Local); in AWS the SDK finds the regional endpoint. */
  readonly dynamodbEndpoint: string | undefined;
  readonly maxChildren: number;
  /** Per-request store timeout; 3 attempts of it must fit the function's own deadline. */
  readonly storeTimeoutMs: number;
}

let cached: Config | undefined;

export function config(): Config {
  cached ??= {
    tableName: required('TABLE_NAME'),
    dynamodbEndpoint: process.env.DYNAMODB_ENDPOINT || undefined,
    maxChildren: positiveInt('MAX_CHILDREN', 1000),
    storeTimeoutMs: positiveInt('STORE_TIMEOUT_MS', 2000),
  };
  return cached;
}

/** Tests change the environment between suites. */
export function resetConfig(): void {
  cached = undefined;
}
