import { z } from 'zod';
import { attachmentSchema } from '../api/attachment-schemas.js';
import {
  pendingPermissionsSchema,
  permissionAnsweredSchema,
  permissionAnswerSchema,
  permissionRequestSchema,
  permissionResolvedSchema,
} from '../api/permission-schemas.js';
import { chatRequestSchema } from '../api/request-schemas.js';
import {
  chatResponseSchema,
  deletedSchema,
  errorResponseSchema,
  healthSchema,
  historySchema,
  sessionListSchema,
  taskAcceptedSchema,
  taskSchema,
} from '../api/response-schemas.js';
import { STREAM_EVENT_SCHEMA_NAMES, streamEventDataSchemas } from '../api/stream-event-schemas.js';
import { wsClientFrameSchema, wsServerFrameSchema } from '../api/ws-frame-schemas.js';
import { metricsOperation } from '../metrics/metrics-operation.js';
import { openAiOperations } from '../openai/openai-operations.js';
import { permissionOperations, websocketOperation } from './interaction-operations.js';
import { type OperationSpec, operations, type ResponseSpec } from './operations.js';

type JsonSchema = Record<string, unknown>;

/** Schemas shown by name under components.schemas (requests as accepted, responses as sent). */
const NAMED: Array<[string, z.ZodType, 'input' | 'output']> = [
  ['ChatRequest', chatRequestSchema, 'input'],
  ['ChatResponse', chatResponseSchema, 'output'],
  ['TaskAccepted', taskAcceptedSchema, 'output'],
  ['Task', taskSchema, 'output'],
  ['History', historySchema, 'output'],
  ['SessionList', sessionListSchema, 'output'],
  ['Deleted', deletedSchema, 'output'],
  ['Health', healthSchema, 'output'],
  ['ErrorResponse', errorResponseSchema, 'output'],
  ['Attachment', attachmentSchema, 'input'],
  ['PermissionRequest', permissionRequestSchema, 'output'],
  ['PermissionResolved', permissionResolvedSchema, 'output'],
  ['PermissionAnswer', permissionAnswerSchema, 'input'],
  ['PermissionAnswered', permissionAnsweredSchema, 'output'],
  ['PendingPermissions', pendingPermissionsSchema, 'output'],
  ['WsClientFrame', wsClientFrameSchema, 'input'],
  ['WsServerFrame', wsServerFrameSchema, 'output'],
  ...STREAM_EVENT_SCHEMA_NAMES.map(
    ([event, name]) => [name, streamEventDataSchemas[event], 'output'] as [string, z.ZodType, 'output'],
  ),
];

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function refTo(schema: z.ZodType): JsonSchema {
  const named = NAMED.find(([, candidate]) => candidate === schema);
  return named ? { $ref: `#/components/schemas/${named[0]}` } : toJsonSchema(schema, 'output');
}

/** Path or query parameters from an object schema, one per property. */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = toJsonSchema(schema, 'input') as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: where,
      required: where === 'path' || (json.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: propertySchema,
    };
  });
}

function response(spec: ResponseSpec): JsonSchema {
  if ('upgrade' in spec) return { description: spec.description };
  if ('text' in spec) {
    return { description: spec.description, content: { 'text/plain': { schema: { type: 'string' } } } };
  }
  if ('eventStream' in spec) {
    return {
      description: spec.description,
      content: { 'text/event-stream': { schema: { type: 'string' } } },
    };
  }
  const schema = 'error' in spec ? { $ref: '#/components/schemas/ErrorResponse' } : refTo(spec.schema);
  return { description: spec.description, content: { 'application/json': { schema } } };
}

function operation(spec: OperationSpec, secured: boolean): JsonSchema {
  const op: JsonSchema = {
    operationId: spec.operationId,
    summary: spec.summary,
    description: spec.description,
    tags: [spec.tag],
    parameters: [...parameters(spec.params, 'path'), ...parameters(spec.query, 'query')],
    responses: Object.fromEntries(Object.entries(spec.responses).map(([status, r]) => [status, response(r)])),
  };
  if (spec.body) {
    op.requestBody = { required: true, content: { 'application/json': { schema: refTo(spec.body) } } };
  }
  op.security = spec.authenticated && secured ? [{ ApiKey: [] }, { Bearer: [] }] : [];
  return op;
}

/** What the OpenAPI document describes. */
export interface OpenApiDocumentOptions {
  version: string;
  /** Operations that need a key show the key schemes. */
  secured: boolean;
  /** List the OpenAI-compatible routes (default true). */
  openai?: boolean;
  /** List GET /metrics (default false). */
  metrics?: boolean;
  /** List GET /ws (default true). */
  websocket?: boolean;
}

/** Every operation a server with these options answers. */
export function operationsOf(
  options: Pick<OpenApiDocumentOptions, 'openai' | 'metrics' | 'websocket'>,
): OperationSpec[] {
  return [
    ...operations,
    ...permissionOperations,
    ...(options.websocket === false ? [] : [websocketOperation]),
    ...(options.openai === false ? [] : openAiOperations),
    ...(options.metrics ? [metricsOperation] : []),
  ];
}

/** The OpenAPI 3.1 document of the API, built from the zod schemas the routes validate with. */
export function buildOpenApiDocument(options: OpenApiDocumentOptions): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const spec of operationsOf(options)) {
    paths[spec.path] ??= {};
    (paths[spec.path] as Record<string, JsonSchema>)[spec.method] = operation(spec, options.secured);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'claude-code-server',
      version: options.version,
      description:
        'Claude Code as an HTTP service: synchronous, streamed (SSE) and asynchronous turns over per-user ' +
        'sessions, a WebSocket (GET /ws) and human approval of tool calls. Errors are ' +
        '`{ success: false, error: { code, message, details? } }` (under /v1, ' +
        "OpenAI's `{ error: { message, type, param, code } }`).",
    },
    paths,
    components: {
      schemas: Object.fromEntries(NAMED.map(([name, schema, io]) => [name, toJsonSchema(schema, io)])),
      securitySchemes: {
        ApiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        Bearer: { type: 'http', scheme: 'bearer' },
      },
    },
  };
}
