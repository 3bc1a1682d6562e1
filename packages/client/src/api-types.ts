import type { components, operations } from './generated/openapi.js';

// Names for the generated types of the server's OpenAPI document (src/generated/openapi.ts): the
// shapes themselves are never written here.

type Schemas = components['schemas'];
type JsonOf<Response> = Response extends { content: { 'application/json': infer Body } } ? Body : never;
type QueryOf<Operation> = Operation extends { parameters: { query?: infer Query } }
  ? NonNullable<Query>
  : never;

/** The body of POST /chat, /chat/stream and /chat/async. */
export type ChatRequest = Schemas['ChatRequest'];
/** What POST /chat answers (and a stream's `done` event carries). */
export type ChatResponse = Schemas['ChatResponse'];
export type TaskAccepted = Schemas['TaskAccepted'];
export type Task = Schemas['Task'];
export type TaskStatus = Task['status'];
export type History = Schemas['History'];
export type HistoryQuery = QueryOf<operations['getHistory']>;
export type SessionList = Schemas['SessionList'];
export type SessionsQuery = QueryOf<operations['listSessions']>;
export type Deleted = Schemas['Deleted'];
export type Health = Schemas['Health'];
/** `{ success: false, error: { code, message, details? } }`. */
export type ErrorResponse = Schemas['ErrorResponse'];
export type OpenAiChatCompletionRequest = NonNullable<
  operations['openaiChatCompletions']['requestBody']
>['content']['application/json'];
export type OpenAiChatCompletion = JsonOf<operations['openaiChatCompletions']['responses'][200]>;
export type OpenAiModelList = JsonOf<operations['openaiModels']['responses'][200]>;
export type OpenAiModel = JsonOf<operations['openaiModel']['responses'][200]>;

/** SSE `permission_request`: a tool waits for a person's answer. */
export type PermissionRequest = Schemas['PermissionRequest'];
/** SSE `permission_resolved`: how a permission request ended. */
export type PermissionResolved = Schemas['PermissionResolved'];
/** `{ behavior: 'allow', updated_input? }` or `{ behavior: 'deny', message? }`. */
export type PermissionAnswer = Schemas['PermissionAnswer'];
export type PermissionAnswered = Schemas['PermissionAnswered'];
export type PendingPermissions = Schemas['PendingPermissions'];
/** An image or a text file of a chat message. */
export type Attachment = NonNullable<ChatRequest['attachments']>[number];
export type WsClientFrame = Schemas['WsClientFrame'];
/**
 * A WebSocket `event` frame: one event of a turn, as /chat/stream sends it, tagged with its turn.
 * The server's frame schema leaves `event` and `data` open; they carry the StreamEvent union.
 */
export type WsEventFrame = { type: 'event'; turn_id: string } & Schemas['StreamEvent'];
export type WsServerFrame = Exclude<Schemas['WsServerFrame'], { type: 'event' }> | WsEventFrame;
