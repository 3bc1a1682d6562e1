import type { OperationSpec } from '../openapi/operations.js';
import { METRICS_PATH } from './metrics-route.js';

/** GET /metrics as the OpenAPI document shows it (listed only when metrics are enabled). */
export const metricsOperation: OperationSpec = {
  method: 'get',
  path: METRICS_PATH,
  operationId: 'metrics',
  summary: 'Prometheus metrics',
  description:
    'The Prometheus text format. Needs `Authorization: Bearer <metrics.token>` (API keys do not open it) ' +
    'unless `metrics.public` is set.',
  tag: 'server',
  authenticated: false,
  responses: {
    '200': { description: 'The metrics.', text: true },
    '401': { description: 'No metrics token, or a wrong one.', error: true },
  },
};
