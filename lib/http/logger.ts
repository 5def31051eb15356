import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs (Powertools), one logger per process; every line carries the request id. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'accounts' });
