import { describe, expect, it } from 'vitest';
import { ApiError, ClaudeSessionNotFoundError } from './errors.js';
import { mapCliMessage, resultError, toChatResponse } from './events.js';
import { type CliResultMessage, parseCliLine } from './stream-json.js';

// Lines as the CLI prints them (2.1.197 to 2.1.332; trimmed of fields core does not read).
const init =
  '{"type":"system","subtype":"init","cwd":"/tmp/w","session_id":"s-1","tools":["Bash","Read"],"mcp_servers":[],"model":"claude-x","permissionMode":"default","claude_code_version":"2.1.197","uuid":"u"}';
const delta =
  '{"type":"stream_event","event":{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello "}},"session_id":"s-1","parent_tool_use_id":null}';
const toolUse =
  '{"type":"assistant","message":{"id":"m1","model":"claude-x","role":"assistant","content":[{"type":"text","text":"Reading."},{"type":"tool_use","id":"tu1","name":"Read","input":{"file_path":"/tmp/a"}}]},"parent_tool_use_id":null,"session_id":"s-1"}';
const toolResult =
  '{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"tu1","content":"data","is_error":false}]},"parent_tool_use_id":null,"session_id":"s-1"}';
const retry =
  '{"type":"system","subtype":"api_retry","attempt":1,"max_retries":10,"retry_delay_ms":545.03,"error_status":401,"error":"authentication_failed","session_id":"s-1"}';

function result(fields: Partial<CliResultMessage>): CliResultMessage {
  return {
    type: 'result',
    subtype: 'success',
    is_error: false,
    session_id: 's-1',
    num_turns: 1,
    duration_ms: 10,
    ...fields,
  };
}

describe('mapCliMessage', () => {
  it('maps init', () => {
    expect(mapCliMessage(parseCliLine(init))).toMatchObject([
      {
        type: 'init',
        sessionId: 's-1',
        model: 'claude-x',
        cwd: '/tmp/w',
        tools: ['Bash', 'Read'],
        cliVersion: '2.1.197',
      },
    ]);
  });

  it('maps a text delta', () => {
    expect(mapCliMessage(parseCliLine(delta))).toEqual([
      { type: 'text_delta', text: 'Hello ', parentToolUseId: null },
    ]);
  });

  it('maps a thinking delta', () => {
    const thinking =
      '{"type":"stream_event","event":{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Hmm"}},"parent_tool_use_id":"tu9"}';
    expect(mapCliMessage(parseCliLine(thinking))).toEqual([
      { type: 'thinking_delta', thinking: 'Hmm', parentToolUseId: 'tu9' },
    ]);
  });

  it('ignores stream events that carry no text', () => {
    const stop =
      '{"type":"stream_event","event":{"type":"content_block_stop","index":0},"parent_tool_use_id":null}';
    expect(mapCliMessage(parseCliLine(stop))).toEqual([]);
  });

  it('maps an assistant message to the message and one event per tool call', () => {
    const events = mapCliMessage(parseCliLine(toolUse));
    expect(events).toMatchObject([
      { type: 'assistant', messageId: 'm1', text: 'Reading.' },
      { type: 'tool_use', id: 'tu1', name: 'Read', input: { file_path: '/tmp/a' }, parentToolUseId: null },
    ]);
  });

  it('maps tool results', () => {
    expect(mapCliMessage(parseCliLine(toolResult))).toEqual([
      { type: 'tool_result', toolUseId: 'tu1', content: 'data', isError: false, parentToolUseId: null },
    ]);
  });

  it('maps api_retry', () => {
    expect(mapCliMessage(parseCliLine(retry))).toEqual([
      {
        type: 'api_retry',
        attempt: 1,
        maxRetries: 10,
        errorStatus: 401,
        error: 'authentication_failed',
        retryDelayMs: 545,
      },
    ]);
  });

  it('passes other system subtypes and unknown messages through as system events', () => {
    expect(
      mapCliMessage(parseCliLine('{"type":"system","subtype":"status","status":"requesting"}')),
    ).toMatchObject([{ type: 'system', subtype: 'status', raw: { status: 'requesting' } }]);
    expect(mapCliMessage(parseCliLine('{"type":"rate_limit_event"}'))).toMatchObject([
      { type: 'system', subtype: 'rate_limit_event' },
    ]);
  });

  it('leaves control messages to the session', () => {
    const request = '{"type":"control_request","request_id":"r1","request":{"subtype":"can_use_tool"}}';
    expect(mapCliMessage(parseCliLine(request))).toEqual([]);
  });
});

describe('toChatResponse', () => {
  it('builds the typed response', () => {
    const raw = result({
      result: 'Hi',
      total_cost_usd: 0.01,
      usage: { input_tokens: 5, output_tokens: 3, cache_read_input_tokens: 2 },
      permission_denials: [{ tool_name: 'Write', tool_use_id: 't', tool_input: { file_path: '/x' } }],
      structured_output: { name: 'x' },
    });
    expect(toChatResponse(raw)).toEqual({
      content: 'Hi',
      isError: false,
      subtype: 'success',
      sessionId: 's-1',
      usage: { inputTokens: 5, outputTokens: 3, cacheCreationInputTokens: 0, cacheReadInputTokens: 2 },
      costUsd: 0.01,
      durationMs: 10,
      numTurns: 1,
      permissionDenials: [{ toolName: 'Write', toolUseId: 't', toolInput: { file_path: '/x' } }],
      structuredOutput: { name: 'x' },
      raw,
    });
  });
});

describe('resultError', () => {
  it('is undefined for a success and for soft errors such as max turns', () => {
    expect(resultError(result({ result: 'ok' }))).toBeUndefined();
    expect(resultError(result({ subtype: 'error_max_turns', is_error: true }))).toBeUndefined();
  });

  it('turns an API failure into ApiError with its status', () => {
    const error = resultError(
      result({ is_error: true, api_error_status: 401, result: 'API Error: 401 invalid x-api-key' }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 401,
      isAuthError: true,
      apiMessage: 'API Error: 401 invalid x-api-key',
    });
  });

  it('reads the status from the message when the CLI left api_error_status out', () => {
    const error = resultError(result({ is_error: true, result: 'API Error: 500 overloaded' }));
    expect(error).toMatchObject({ code: 'API_ERROR', status: 500, isAuthError: false });
  });

  it('recognises a resume of an unknown session', () => {
    const error = resultError(
      result({
        subtype: 'error_during_execution',
        is_error: true,
        errors: ['No conversation found with session ID: 1111-2222'],
      }),
    );
    expect(error).toBeInstanceOf(ClaudeSessionNotFoundError);
    expect((error as ClaudeSessionNotFoundError).sessionId).toBe('1111-2222');
  });
});
