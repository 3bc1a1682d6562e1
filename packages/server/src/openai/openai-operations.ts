import { z } from 'zod';
import type { OperationSpec, ResponseSpec } from '../openapi/operations.js';
import { completionRequestSchema } from './completion-request.js';

const usageSchema = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
  prompt_tokens_details: z.object({ cached_tokens: z.number().int() }),
});

const completionSchema = z.object({
  id: z.string().meta({ example: 'chatcmpl-0b7c6f7e-2d7e-4b7a-9a3e-0f1d2c3b4a59' }),
  object: z.literal('chat.completion'),
  created: z.number().int(),
  model: z.string().meta({ example: 'sonnet' }),
  system_fingerprint: z.null(),
  choices: z.array(
    z.object({
      index: z.literal(0),
      message: z.object({ role: z.literal('assistant'), content: z.string(), refusal: z.null() }),
      logprobs: z.null(),
      finish_reason: z.literal('stop'),
    }),
  ),
  usage: usageSchema,
});

const modelSchema = z.object({
  id: z.string().meta({ example: 'sonnet' }),
  object: z.literal('model'),
  created: z.number().int(),
  owned_by: z.string(),
});

const modelListSchema = z.object({ object: z.literal('list'), data: z.array(modelSchema) });

const openAiErrorSchema = z.object({
  error: z.object({
    message: z.string().meta({ example: 'messages: the last message must be from the user' }),
    type: z.string().meta({ example: 'invalid_request_error' }),
    param: z.string().nullable(),
    code: z.string().meta({ example: 'INVALID_REQUEST' }),
  }),
});

const fail = (description: string): ResponseSpec => ({ description, schema: openAiErrorSchema });
const AUTH = {
  '401': fail('No API key, or a wrong one (Authorization: Bearer <key>).'),
  '429': fail('Rate limit or turn queue full; see Retry-After.'),
};

/** The OpenAI-compatible operations, with their errors in OpenAI's shape. */
export const openAiOperations: OperationSpec[] = [
  {
    method: 'post',
    path: '/v1/chat/completions',
    operationId: 'openaiChatCompletions',
    summary: 'OpenAI-compatible chat completion (streamed with `stream: true`)',
    description:
      'The conversation maps to a session: `X-Session-Id` names it; without it, the user’s session whose ' +
      'history is the request’s earlier messages continues, else a new one starts with them replayed. ' +
      'The session id is sent back in `X-Session-Id`. The user is `user`, else `X-User-Id`, else ' +
      '`openai.default_user`; `X-Project` picks a project. System messages are appended to the system ' +
      'prompt. Streams send `data:` chunks and `data: [DONE]`; closing the connection interrupts the turn.',
    tag: 'openai',
    authenticated: true,
    body: completionRequestSchema,
    responses: {
      '200': { description: 'The completion (or, streamed, its chunks).', schema: completionSchema },
      '400': fail('A field is invalid (`param` names it).'),
      ...AUTH,
      '403': fail('The key may not act for this user or use this project.'),
      '404': fail('The model is not available.'),
      '409': fail('The session belongs to another user or project.'),
      '502': fail('The CLI or the Anthropic API failed, or the turn ended with an error result.'),
      '503': fail('The server is shutting down, or the CLI or store is unavailable.'),
      '504': fail('The turn ran past its timeout.'),
    },
  },
  {
    method: 'get',
    path: '/v1/models',
    operationId: 'openaiModels',
    summary: 'The model names /v1/chat/completions accepts',
    description: '`claude-code` runs the server’s own model; the others name the CLI’s models.',
    tag: 'openai',
    authenticated: true,
    responses: { '200': { description: 'The models.', schema: modelListSchema }, ...AUTH },
  },
  {
    method: 'get',
    path: '/v1/models/{model}',
    operationId: 'openaiModel',
    summary: 'One model name',
    description: '404 for a name /v1/models does not list.',
    tag: 'openai',
    authenticated: true,
    params: z.strictObject({ model: z.string() }),
    responses: {
      '200': { description: 'The model.', schema: modelSchema },
      ...AUTH,
      '404': fail('No such model.'),
    },
  },
];
