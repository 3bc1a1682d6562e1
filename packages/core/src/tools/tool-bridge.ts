import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { InProcessTool, ToolResult } from './tool.js';
import type { ToolServer } from './tool-server.js';

type RequestId = string | number;
const METHOD_NOT_FOUND = -32601;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toolError(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/** A handler's answer as an MCP tool result; anything else is the handler's mistake, told to the model. */
function toCallToolResult(result: ToolResult): CallToolResult {
  if (typeof result === 'string') return { content: [{ type: 'text', text: result }] };
  if (isRecord(result) && Array.isArray(result.content)) return result;
  throw new Error('the tool handler must return a string or { content: [...] }');
}

function register(server: McpServer, definition: InProcessTool): void {
  server.registerTool(
    definition.name,
    { description: definition.description, inputSchema: definition.inputSchema },
    async (input: unknown, extra) => {
      const toolUseId = extra._meta?.['claudecode/toolUseId'];
      const result = await definition.handler(input as never, {
        signal: extra.signal,
        toolUseId: typeof toolUseId === 'string' ? toolUseId : undefined,
      });
      return toCallToolResult(result);
    },
  );
}

/**
 * The MCP transport of one in-process server on one CLI process: JSON-RPC messages the CLI sent in
 * `mcp_message` control requests go in, and each request's response comes back as a promise.
 */
class ControlRequestTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  private readonly waiting = new Map<RequestId, { method: string; answer: (m: JSONRPCMessage) => void }>();

  async start(): Promise<void> {}

  async close(): Promise<void> {
    this.onclose?.();
  }

  /** The server's output: a response to a CLI request, or a request/notification of its own. */
  async send(message: JSONRPCMessage): Promise<void> {
    if ('method' in message) {
      // Server-to-client requests (sampling, roots...) have no way to the CLI here: refuse them at once.
      if ('id' in message) {
        this.onmessage?.({
          jsonrpc: '2.0',
          id: message.id,
          error: {
            code: METHOD_NOT_FOUND,
            message: `${message.method} is not supported for in-process servers`,
          },
        });
      }
      return;
    }
    const waiter = this.waiting.get(message.id as RequestId);
    if (!waiter) return;
    this.waiting.delete(message.id as RequestId);
    waiter.answer(message);
  }

  /** Hands a CLI message to the server; resolves with its response (undefined for notifications). */
  deliver(message: JSONRPCMessage): Promise<JSONRPCMessage | undefined> {
    if (!('method' in message) || !('id' in message)) {
      this.onmessage?.(message);
      // The server drops the answer of a call the CLI cancelled: settle its control request here.
      if ('method' in message && message.method === 'notifications/cancelled') {
        const id = (message.params as { requestId?: RequestId } | undefined)?.requestId;
        const waiter = id === undefined ? undefined : this.waiting.get(id);
        if (id !== undefined && waiter) {
          this.waiting.delete(id);
          waiter.answer({ jsonrpc: '2.0', id, result: toolError('The tool call was cancelled by the CLI.') });
        }
      }
      return Promise.resolve(undefined);
    }
    const id = message.id;
    const response = new Promise<JSONRPCMessage>((answer) => {
      this.waiting.set(id, { method: message.method, answer });
    });
    this.onmessage?.(message);
    return response;
  }

  /** Cancels every running tool call: the handler's signal aborts and the CLI gets a tool error. */
  cancelToolCalls(reason: string): void {
    for (const [id, waiter] of [...this.waiting]) {
      if (waiter.method !== 'tools/call') continue;
      this.waiting.delete(id);
      this.onmessage?.({
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: { requestId: id, reason },
      });
      waiter.answer({ jsonrpc: '2.0', id, result: toolError(`The tool call was cancelled: ${reason}`) });
    }
  }
}

/** A new MCP server instance with the server's tools, connected to a transport of its own. */
async function connect(server: ToolServer): Promise<ControlRequestTransport> {
  const transport = new ControlRequestTransport();
  const mcp = new McpServer({ name: server.name, version: server.version }, { capabilities: { tools: {} } });
  for (const definition of server.tools) register(mcp, definition);
  await mcp.connect(transport);
  return transport;
}

/**
 * The in-process tool servers of one CLI process, each a real MCP server (`@modelcontextprotocol/sdk`,
 * as the official Agent SDKs use) behind a transport over the control protocol. A new process gets new
 * server instances, so a restarted process registers its tools afresh.
 */
export class ToolBridge {
  private readonly servers = new Map<
    string,
    { server: ToolServer; transport?: Promise<ControlRequestTransport> }
  >();

  constructor(servers: readonly ToolServer[]) {
    for (const server of servers) this.servers.set(server.name, { server });
  }

  /** The names for `initialize`'s `sdkMcpServers` and the `--mcp-config` entries. */
  get names(): string[] {
    return [...this.servers.keys()];
  }

  /** Answers one `mcp_message` request: the JSON-RPC response for `mcp_response`. */
  async handle(serverName: unknown, message: unknown): Promise<Record<string, unknown>> {
    const entry = typeof serverName === 'string' ? this.servers.get(serverName) : undefined;
    if (!entry) throw new Error(`no in-process tool server named ${String(serverName)}`);
    if (!isRecord(message) || message.jsonrpc !== '2.0')
      throw new Error('the MCP message is not JSON-RPC 2.0');
    entry.transport ??= connect(entry.server);
    const response = await (await entry.transport).deliver(message as JSONRPCMessage);
    // A notification gets no JSON-RPC reply, but the control request that carried it wants one.
    return (response ?? { jsonrpc: '2.0', result: {} }) as Record<string, unknown>;
  }

  /** Aborts every tool call still running (the turn ended early or the process is gone). */
  cancelAll(reason: string): void {
    for (const { transport } of this.servers.values()) void transport?.then((t) => t.cancelToolCalls(reason));
  }
}
