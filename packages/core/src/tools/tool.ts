import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

/** What a tool handler learns besides its input. */
export interface ToolContext {
  /** Aborted when the call is abandoned: the turn was interrupted, timed out or aborted, or the process exited. */
  signal: AbortSignal;
  /** The id of the model's tool_use block, when the CLI sent it. */
  toolUseId: string | undefined;
}

/** A handler's answer: plain text, or an MCP tool result (`{ content: [...], isError? }`). */
export type ToolResult = string | CallToolResult;

/** A tool's input: a zod object, or the shape of one (`{ orderId: z.string() }`). */
export type ToolInputSchema = z.ZodRawShape | z.ZodObject;

type InputOf<S extends ToolInputSchema> = S extends z.ZodObject
  ? z.output<S>
  : S extends z.ZodRawShape
    ? z.output<z.ZodObject<S>>
    : never;

/** One in-process tool (made by `tool()`); group tools with `createToolServer`. */
export interface InProcessTool {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: z.ZodObject;
  /** Gets the input as parsed by `inputSchema` (typed where `tool()` was called). */
  readonly handler: (input: never, context: ToolContext) => ToolResult | Promise<ToolResult>;
}

/**
 * Defines an in-process tool: the model sees `description` and the JSON Schema of `inputSchema`; the
 * CLI's call is validated against the schema before `handler` runs. A handler that throws gives the
 * model a tool error (`isError`), never a failed turn.
 */
export function tool<S extends ToolInputSchema>(
  name: string,
  description: string,
  inputSchema: S,
  handler: (input: InputOf<S>, context: ToolContext) => ToolResult | Promise<ToolResult>,
): InProcessTool {
  const schema = inputSchema instanceof z.ZodObject ? inputSchema : z.object(inputSchema as z.ZodRawShape);
  return { name, description, inputSchema: schema, handler };
}
