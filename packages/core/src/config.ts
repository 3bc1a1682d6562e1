import { z } from 'zod';
import { positiveMs } from './durations.js';
import { InvalidConfigError } from './errors.js';

const nonEmpty = z.string().min(1, 'must not be empty');
const toolList = z.array(nonEmpty);
const jsonObject = z.record(z.string(), z.unknown());

export const permissionModes = [
  'default',
  'acceptEdits',
  'bypassPermissions',
  'plan',
  'dontAsk',
  'auto',
] as const;
export const effortLevels = ['low', 'medium', 'high', 'xhigh', 'max'] as const;
export const settingSources = ['user', 'project', 'local'] as const;
export const outputFormats = ['text', 'json', 'stream-json'] as const;

/** ClaudeConfig's fields, each with its schema: the one description of the CLI's options. */
export const claudeConfigShape = {
  /** Path of the `claude` binary; otherwise looked up (see resolveCliPath). */
  cliPath: nonEmpty.optional(),
  /** Becomes CLAUDE_CONFIG_DIR: where the CLI keeps settings and session transcripts. */
  configDir: nonEmpty.optional(),
  /** Working directory of the CLI (tools act here; transcripts are keyed by it). */
  cwd: nonEmpty.optional(),
  model: nonEmpty.optional(),
  /** Model(s) to fall back to when the main one is overloaded (comma-separated list accepted). */
  fallbackModel: nonEmpty.optional(),
  permissionMode: z.enum(permissionModes).optional(),
  allowedTools: toolList.optional(),
  disallowedTools: toolList.optional(),
  /** The built-in tools that exist at all (`[]` disables every tool). */
  tools: z.array(nonEmpty).optional(),
  /** Replaces the default system prompt. */
  systemPrompt: z.string().optional(),
  appendSystemPrompt: z.string().optional(),
  maxTurns: z.number().int().positive().optional(),
  maxBudgetUsd: z.number().positive().optional(),
  addDirs: z.array(nonEmpty).optional(),
  /** MCP servers: a path to a JSON file, or the config object itself (`{ mcpServers: {...} }`). */
  mcpConfig: z.union([nonEmpty, jsonObject]).optional(),
  strictMcpConfig: z.boolean().optional(),
  /** Extra settings: a path to a JSON file, or the settings object itself. */
  settings: z.union([nonEmpty, jsonObject]).optional(),
  /** Which setting files the CLI loads (`[]` loads none). */
  settingSources: z.array(z.enum(settingSources)).optional(),
  /** Added to the child's environment, over everything else. */
  env: z.record(z.string(), z.string()).optional(),
  /** Emit token-by-token `text_delta` events. */
  includePartialMessages: z.boolean().optional(),
  /** A JSON Schema the final answer must satisfy; the parsed value lands in `structuredOutput`. */
  jsonSchema: jsonObject.optional(),
  effort: z.enum(effortLevels).optional(),
  /** What `ChatResponse.content` holds: the answer text, the result as JSON, or every stdout line. */
  outputFormat: z.enum(outputFormats).optional(),
  /** Kill the run (one-shot) or interrupt the turn (session) after this many milliseconds (at most 2^31-1). */
  timeoutMs: positiveMs.optional(),
  /**
   * Give up (ApiError) once the CLI announces more than this many retries of a failing API call;
   * by default the CLI's own policy applies (up to 10, minutes in all). Auth failures never wait.
   */
  maxApiRetries: z.number().int().min(0).optional(),
};

/** Everything that shapes how the CLI runs; every field is optional. */
export const claudeConfigSchema = z.strictObject(claudeConfigShape);

/** The name of one ClaudeConfig field. */
export type ClaudeConfigField = keyof typeof claudeConfigShape;

export type ClaudeConfig = z.input<typeof claudeConfigSchema>;
export type PermissionMode = (typeof permissionModes)[number];
export type EffortLevel = (typeof effortLevels)[number];
export type SettingSource = (typeof settingSources)[number];
export type OutputFormat = (typeof outputFormats)[number];

/** Validate a config; throws InvalidConfigError naming the first bad field. */
export function parseClaudeConfig(input: unknown): ClaudeConfig {
  const parsed = claudeConfigSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw toInvalidConfigError(parsed.error);
}

/** Turn a zod error into an InvalidConfigError whose `field` is a dotted path. */
export function toInvalidConfigError(error: z.ZodError, prefix?: string): InvalidConfigError {
  const issue = error.issues[0];
  if (!issue) return new InvalidConfigError(prefix ?? 'config', 'is invalid');
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') path.push(issue.keys[0] ?? '');
  const field = [prefix, ...path].filter(Boolean).join('.') || 'config';
  const problem = issue.code === 'unrecognized_keys' ? 'is not a known option' : issue.message;
  return new InvalidConfigError(field, problem);
}
