import {
  pendingPermissionsSchema,
  permissionAnsweredSchema,
  permissionAnswerSchema,
  permissionParamsSchema,
} from '../api/permission-schemas.js';
import { sessionParamsSchema } from '../api/request-schemas.js';
import type { OperationSpec, ResponseSpec } from './operations.js';

const err = (description: string): ResponseSpec => ({ description, error: true });

/** The permission endpoints: what waits in a session, and the answer to one request. */
export const permissionOperations: OperationSpec[] = [
  {
    method: 'get',
    path: '/session/{session_id}/permissions',
    operationId: 'listPermissionRequests',
    summary: 'Tool calls of a session waiting for approval',
    description:
      'The open permission requests of the session (the same objects as the `permission_request` ' +
      'event), for users this key may act for. Empty when none waits.',
    tag: 'permissions',
    authenticated: true,
    params: sessionParamsSchema,
    responses: {
      '200': { description: 'The pending requests.', schema: pendingPermissionsSchema },
      '400': err('The session id is malformed.'),
      '401': err('No API key, or a wrong one.'),
    },
  },
  {
    method: 'post',
    path: '/session/{session_id}/permissions/{request_id}',
    operationId: 'answerPermissionRequest',
    summary: 'Allow or deny a tool call that waits for approval',
    description:
      '`{behavior: "allow", updated_input?}` runs the tool (with `updated_input` instead of the ' +
      'model\'s input when given); `{behavior: "deny", message?}` refuses it and the model reads ' +
      '`message`. Only keys of the session’s tenant that may act for its user can answer; an allow of a ' +
      'tool beyond the answering key’s `tools` is refused (403) and the request stays open. An answer ' +
      'never changes the permission mode. Unanswered by `expires_at` (permissions.approval_timeout_ms), ' +
      'the request is denied.',
    tag: 'permissions',
    authenticated: true,
    params: permissionParamsSchema,
    body: permissionAnswerSchema,
    responses: {
      '200': { description: 'The answer was handed to the waiting turn.', schema: permissionAnsweredSchema },
      '400': err('The body or an id is invalid (the message names the field).'),
      '401': err('No API key, or a wrong one.'),
      '403': err('An allow of a tool beyond this key’s tools.'),
      '404': err(
        'No such open request in this session for this key (answered, expired, or another tenant’s).',
      ),
    },
  },
];

/** GET /ws, described for the docs; its frames are the WsClientFrame and WsServerFrame schemas. */
export const websocketOperation: OperationSpec = {
  method: 'get',
  path: '/ws',
  operationId: 'websocket',
  summary: 'WebSocket: many turns, their events and approvals on one connection',
  description:
    'Upgrade with the API key in `Authorization: Bearer` or `X-API-Key` (or, from a browser, send ' +
    '`{"type":"auth","token":"<key>"}` first); the server sends `{"type":"ready"}`. Client frames ' +
    '(WsClientFrame): `message` (the fields of POST /chat/stream plus an optional `turn_id`), ' +
    '`interrupt` {turn_id}, `permission` {request_id, behavior, updated_input? | message?}, `ping` {id?}. ' +
    'Server frames (WsServerFrame): `accepted` {turn_id, session_id}, `event` {turn_id, event, data} ' +
    'carrying each SSE event of /chat/stream (session, delta, ..., permission_request, ' +
    'permission_resolved, done or error), `answered`, `pong`, and `error` {turn_id, request_id, error, ' +
    'status} for a refused frame: the connection stays open. Closing the socket interrupts its turns; ' +
    'a client that leaves more than websocket.buffer_limit unread is dropped.',
  tag: 'chat',
  authenticated: true,
  responses: {
    '101': { description: 'Switching Protocols: the connection is a WebSocket now.', upgrade: true },
    '401': err('A key was sent in the headers and is not valid.'),
    '503': err('The server is shutting down.'),
  },
};
