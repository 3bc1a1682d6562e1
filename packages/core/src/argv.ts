import type { ClaudeConfig } from './config.js';

/** Per-run choices that are not part of the reusable config. */
export interface RunArgsOptions {
  /** Continue the conversation with this Claude session id. */
  resume?: string;
  /** Start a new conversation with this id (a UUID). */
  sessionId?: string;
  /** With `resume`: continue the conversation under a new session id. */
  forkSession?: boolean;
  /** 'stream-json' keeps the process up, reading one JSON message a line on stdin. */
  inputFormat?: 'text' | 'stream-json';
  /** 'stdio' asks the host over the control protocol before a tool runs (or an MCP tool's name). */
  permissionPromptTool?: string;
  /** In-process MCP servers (answered over the control protocol): declared as `{ type: 'sdk' }` in an extra `--mcp-config`. */
  sdkMcpServers?: readonly string[];
}

/** `--flag value`, or `--flag=value` when the value could be read as a flag. */
function flag(name: string, value: string): string[] {
  return value.startsWith('-') ? [`${name}=${value}`] : [name, value];
}

function jsonOrPath(value: string | Record<string, unknown>): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The CLI's argv for a config and run options (pure). The prompt is never part of it: it goes on
 * stdin. Output is always stream-json so the client can parse it.
 */
export function buildArgs(config: ClaudeConfig, options: RunArgsOptions = {}): string[] {
  const args = ['-p', '--output-format', 'stream-json', '--verbose'];
  if (options.inputFormat) args.push(...flag('--input-format', options.inputFormat));
  if (config.includePartialMessages) args.push('--include-partial-messages');

  if (config.model !== undefined) args.push(...flag('--model', config.model));
  if (config.fallbackModel !== undefined) args.push(...flag('--fallback-model', config.fallbackModel));
  if (config.effort !== undefined) args.push(...flag('--effort', config.effort));
  if (config.permissionMode !== undefined) args.push(...flag('--permission-mode', config.permissionMode));
  if (options.permissionPromptTool !== undefined) {
    args.push(...flag('--permission-prompt-tool', options.permissionPromptTool));
  }
  if (config.tools !== undefined) args.push(...flag('--tools', config.tools.join(',')));
  if (config.allowedTools?.length) args.push(...flag('--allowedTools', config.allowedTools.join(',')));
  if (config.disallowedTools?.length) {
    args.push(...flag('--disallowedTools', config.disallowedTools.join(',')));
  }
  if (config.systemPrompt !== undefined) args.push(...flag('--system-prompt', config.systemPrompt));
  if (config.appendSystemPrompt !== undefined) {
    args.push(...flag('--append-system-prompt', config.appendSystemPrompt));
  }
  if (config.maxTurns !== undefined) args.push(...flag('--max-turns', String(config.maxTurns)));
  if (config.maxBudgetUsd !== undefined) args.push(...flag('--max-budget-usd', String(config.maxBudgetUsd)));
  for (const dir of config.addDirs ?? []) args.push(...flag('--add-dir', dir));
  if (config.mcpConfig !== undefined) args.push(...flag('--mcp-config', jsonOrPath(config.mcpConfig)));
  if (options.sdkMcpServers?.length) {
    const mcpServers = Object.fromEntries(options.sdkMcpServers.map((name) => [name, { type: 'sdk', name }]));
    args.push(...flag('--mcp-config', JSON.stringify({ mcpServers })));
  }
  if (config.strictMcpConfig) args.push('--strict-mcp-config');
  if (config.settings !== undefined) args.push(...flag('--settings', jsonOrPath(config.settings)));
  if (config.settingSources !== undefined) {
    args.push(...flag('--setting-sources', config.settingSources.join(',')));
  }
  if (config.jsonSchema !== undefined) args.push(...flag('--json-schema', JSON.stringify(config.jsonSchema)));

  if (options.resume !== undefined) args.push(...flag('--resume', options.resume));
  if (options.sessionId !== undefined) args.push(...flag('--session-id', options.sessionId));
  if (options.forkSession) args.push('--fork-session');
  return args;
}
