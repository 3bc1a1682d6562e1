import type { z } from 'zod';
import {
  chatRequestSchema,
  historyQuerySchema,
  sessionParamsSchema,
  sessionsQuerySchema,
  taskParamsSchema,
} from '../api/request-schemas.js';
import {
  chatResponseSchema,
  deletedSchema,
  healthSchema,
  historySchema,
  sessionListSchema,
  taskAcceptedSchema,
  taskSchema,
} from '../api/response-schemas.js';

/** One documented response: a JSON schema, an event stream, or an error. */
export type ResponseSpec =
  | { description: string; schema: z.ZodType }
  | { description: string; eventStream: true }
  | { description: string; text: true }
  | { description: string; upgrade: true }
  | { description: string; error: true };

/** An operation of the API, as the OpenAPI document and the docs page show it. */
export interface OperationSpec {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI form: `/task/{task_id}`. */
  path: string;
  operationId: string;
  summary: string;
  description: string;
  tag: string;
  authenticated: boolean;
  params?: z.ZodObject;
  query?: z.ZodType;
  body?: z.ZodType;
  responses: Record<string, ResponseSpec>;
}

const err = (description: string): ResponseSpec => ({ description, error: true });
const AUTH_ERRORS = {
  '401': err('No API key, or a wrong one.'),
  '403': err('The key may not do this (the message names what was refused).'),
  '429': err('Rate limit or turn queue full; see Retry-After.'),
};
const TURN_ERRORS = {
  '400': err('A field is invalid (the message names it), or the body is not JSON.'),
  ...AUTH_ERRORS,
  '429': err(
    "Rate limit (RATE_LIMITED), the key's max_concurrent_turns (CONCURRENCY_LIMITED) or the turn queue full; see Retry-After.",
  ),
  '409': err('The session belongs to another user or project.'),
  '413': err('The body is larger than the configured limit.'),
  '502': err(
    "The Claude Code CLI or the Anthropic API failed, or the node running the session's turn went away (NODE_LOST).",
  ),
  '503': err('The server is shutting down, or the CLI or store is unavailable.'),
  '504': err('The turn ran past its timeout and was interrupted.'),
};

const chatBodyDescription =
  '`message` and `user_id` are required. `session_id` picks a conversation (default `user_<user_id>`), ' +
  '`project` a configured project, `config` narrows the turn (permission mode, tools, model, limits), ' +
  '`timeout` caps it in seconds. `attachments`: images and UTF-8 text files (base64) the model sees ' +
  'beside the message (limits: the attachments config section; a bad one is a 400 naming ' +
  '`attachments[i].field`). A tool within the key’s `tools` that the turn has not pre-approved waits ' +
  'for a person (see the permissions endpoints) when `wait_for_approval` is true; the default is ' +
  'false for POST /chat (denied at once, listed in `permission_denials`) and true for ' +
  '/chat/stream, /chat/async and WebSocket turns.';

/** Every operation the server answers. */
export const operations: OperationSpec[] = [
  {
    method: 'get',
    path: '/health',
    operationId: 'health',
    summary: 'Health of the server, the CLI and the store',
    description: 'No authentication. 503 when the store or the CLI is not usable, or during shutdown.',
    tag: 'server',
    authenticated: false,
    responses: {
      '200': { description: 'Everything works.', schema: healthSchema },
      '503': { description: 'Something is wrong; `problems` says what.', schema: healthSchema },
    },
  },
  {
    method: 'post',
    path: '/chat',
    operationId: 'chat',
    summary: 'Send a message and wait for the answer',
    description: chatBodyDescription,
    tag: 'chat',
    authenticated: true,
    body: chatRequestSchema,
    responses: {
      '200': { description: 'The answer of the turn.', schema: chatResponseSchema },
      ...TURN_ERRORS,
    },
  },
  {
    method: 'post',
    path: '/chat/stream',
    operationId: 'chatStream',
    summary: 'Send a message and receive the turn as Server-Sent Events',
    description:
      'Each event is `event: <name>` and `data: <one JSON line>`; the data of each is a schema under ' +
      'components.schemas: `session` (SessionEvent) first, `init` (InitEvent), `delta` (DeltaEvent: ' +
      'text as the model writes it), `thinking` (ThinkingEvent), `assistant` (AssistantEvent: a whole ' +
      'message), `tool_use` (ToolUseEvent), `tool_result` (ToolResultEvent), `retry` (RetryEvent), ' +
      '`permission_request` (PermissionRequest: a tool waits for POST ' +
      '/session/{session_id}/permissions/{request_id}) and `permission_resolved` (PermissionResolved: ' +
      'allowed or denied, by an answer, the timeout or the end of the turn), then `done` ' +
      '(ChatResponse, the body of POST /chat) or `error` (StreamErrorEvent: {success:false, error, ' +
      'status}). Comments (`: keep-alive`) during long silences. Closing the connection interrupts ' +
      'the turn.',
    tag: 'chat',
    authenticated: true,
    body: chatRequestSchema,
    responses: { '200': { description: 'The event stream.', eventStream: true }, ...TURN_ERRORS },
  },
  {
    method: 'post',
    path: '/chat/async',
    operationId: 'chatAsync',
    summary: 'Queue a message as a task; poll GET /task/{task_id}',
    description: `${chatBodyDescription} Answers 202 at once.`,
    tag: 'tasks',
    authenticated: true,
    body: chatRequestSchema,
    responses: {
      '202': { description: 'The task was queued.', schema: taskAcceptedSchema },
      ...TURN_ERRORS,
    },
  },
  {
    method: 'get',
    path: '/task/{task_id}',
    operationId: 'getTask',
    summary: 'Status and result of a task',
    description:
      'Status is pending, running, waiting_for_approval (a tool waits: `pending_permissions` lists the ' +
      'requests, answered at POST /session/{session_id}/permissions/{request_id}), completed, failed ' +
      'or cancelled.',
    tag: 'tasks',
    authenticated: true,
    params: taskParamsSchema,
    responses: {
      '200': { description: 'The task.', schema: taskSchema },
      '400': err('The task id is malformed.'),
      ...AUTH_ERRORS,
      '404': err('No such task for this key (or it outlived its retention).'),
    },
  },
  {
    method: 'delete',
    path: '/task/{task_id}',
    operationId: 'cancelTask',
    summary: 'Cancel a pending or running task',
    description: 'Interrupts the turn; the task ends as cancelled.',
    tag: 'tasks',
    authenticated: true,
    params: taskParamsSchema,
    responses: {
      '200': { description: 'The cancelled task.', schema: taskSchema },
      ...AUTH_ERRORS,
      '404': err('No such task for this key.'),
      '409': err('The task already finished, or runs on another server instance.'),
    },
  },
  {
    method: 'get',
    path: '/session/{session_id}/history',
    operationId: 'getHistory',
    summary: 'Messages of a session, a page at a time',
    description: 'Without `before`/`after`: the newest `limit` messages. Pages are in ascending `seq`.',
    tag: 'sessions',
    authenticated: true,
    params: sessionParamsSchema,
    query: historyQuerySchema,
    responses: {
      '200': { description: 'A page of messages.', schema: historySchema },
      '400': err('A query value is invalid.'),
      ...AUTH_ERRORS,
      '404': err('No such session for this key.'),
    },
  },
  {
    method: 'delete',
    path: '/session/{session_id}',
    operationId: 'deleteSession',
    summary: 'Delete a session: its messages, transcript and warm process',
    description: 'The next message to this session id starts a new conversation.',
    tag: 'sessions',
    authenticated: true,
    params: sessionParamsSchema,
    responses: {
      '200': { description: 'Deleted.', schema: deletedSchema },
      ...AUTH_ERRORS,
      '404': err('No such session for this key.'),
    },
  },
  {
    method: 'get',
    path: '/sessions',
    operationId: 'listSessions',
    summary: "A user's sessions, most recently active first",
    description: 'Pass `next_cursor` as `cursor` for the next page.',
    tag: 'sessions',
    authenticated: true,
    query: sessionsQuerySchema,
    responses: {
      '200': { description: 'A page of sessions.', schema: sessionListSchema },
      '400': err('A query value is invalid.'),
      ...AUTH_ERRORS,
    },
  },
];
