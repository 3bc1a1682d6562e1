import type { components } from './generated/openapi.js';

/** Every event a turn sends, `{ event, data }`, including `error` (which the client throws instead). */
export type StreamEvent = components['schemas']['StreamEvent'];

/**
 * One event a stream yields, by its name: `session` first, `init`, `delta` (answer text as the model
 * writes it), `thinking`, `assistant`, `tool_use`, `tool_result`, `retry`, `permission_request`,
 * `permission_resolved`, and `done` (the /chat answer) last. An `error` event is thrown as the typed
 * error of its code.
 */
export type ChatStreamEvent = Exclude<StreamEvent, { event: 'error' }>;

export type ChatStreamEventName = ChatStreamEvent['event'];

/** The data of the event of that name, e.g. `ChatStreamEventData<'delta'>`. */
export type ChatStreamEventData<Name extends ChatStreamEventName> = Extract<
  ChatStreamEvent,
  { event: Name }
>['data'];
