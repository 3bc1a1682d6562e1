import { z } from 'zod';
import { toInvalidConfigError } from '../config.js';
import { InvalidConfigError } from '../errors.js';
import type { InProcessTool } from './tool.js';

/** Server and tool names as the Messages API takes tool names (`mcp__<server>__<tool>` must fit too). */
const NAME = /^[A-Za-z0-9_-]+$/;
const MAX_QUALIFIED_NAME = 64;

/** A named group of in-process tools; the CLI sees each as `mcp__<name>__<tool>`. */
export interface ToolServer {
  readonly type: 'sdk';
  readonly name: string;
  readonly version: string;
  readonly tools: readonly InProcessTool[];
  /** The names the CLI gives the tools (`mcp__orders__lookup_order`), e.g. for `allowedTools`. */
  readonly toolNames: readonly string[];
}

export interface ToolServerOptions {
  /** The server's name: letters, digits, `_` and `-`. */
  name: string;
  /** Reported to the CLI in the MCP handshake (default `1.0.0`). */
  version?: string;
  tools: InProcessTool[];
}

const toolSchema = z.object({
  name: z.string().regex(NAME, 'must use only letters, digits, _ and -'),
  description: z.string().min(1, 'must not be empty'),
  inputSchema: z.instanceof(z.ZodObject, { message: 'must be a zod object (or its shape)' }),
  handler: z.custom<InProcessTool['handler']>((v) => typeof v === 'function', 'must be a function'),
});

const optionsSchema = z.strictObject({
  name: z.string().regex(NAME, 'must use only letters, digits, _ and -'),
  version: z.string().min(1).optional(),
  tools: z.array(toolSchema).min(1, 'must hold at least one tool'),
});

/** Groups in-process tools into a named server to pass as `toolServers` to a run, a session or a pool. */
export function createToolServer(options: ToolServerOptions): ToolServer {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw toInvalidConfigError(parsed.error, 'toolServer');
  const { name, version = '1.0.0' } = parsed.data;
  const tools = options.tools;
  const seen = new Set<string>();
  for (const [index, { name: toolName }] of tools.entries()) {
    if (seen.has(toolName))
      throw new InvalidConfigError(`toolServer.tools.${index}.name`, `${toolName} is defined twice`);
    seen.add(toolName);
    const qualified = `mcp__${name}__${toolName}`;
    if (qualified.length > MAX_QUALIFIED_NAME) {
      throw new InvalidConfigError(
        `toolServer.tools.${index}.name`,
        `${qualified} is longer than the ${MAX_QUALIFIED_NAME} characters a tool name may have`,
      );
    }
  }
  return Object.freeze({
    type: 'sdk' as const,
    name,
    version,
    tools: Object.freeze([...tools]),
    toolNames: Object.freeze(tools.map((t) => `mcp__${name}__${t.name}`)),
  });
}

/** The Agent SDK's name for `createToolServer`, for code moving from it. */
export const createSdkMcpServer = createToolServer;

/** Validates a `toolServers` option: servers made by createToolServer, with distinct names. */
export function parseToolServers(value: unknown, field = 'toolServers'): readonly ToolServer[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidConfigError(field, 'must be an array of tool servers');
  const names = new Set<string>();
  for (const [index, server] of value.entries()) {
    const valid =
      typeof server === 'object' &&
      server !== null &&
      server.type === 'sdk' &&
      Array.isArray(server.toolNames);
    if (!valid) throw new InvalidConfigError(`${field}.${index}`, 'must be made by createToolServer');
    if (names.has(server.name)) {
      throw new InvalidConfigError(`${field}.${index}`, `another server is named ${server.name}`);
    }
    names.add(server.name);
  }
  return value as ToolServer[];
}
