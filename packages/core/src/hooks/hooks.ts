import { z } from 'zod';
import { toInvalidConfigError } from '../config.js';
import { InvalidConfigError } from '../errors.js';

/** The hook events claude 2.1.332 knows. */
export const hookEvents = [
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'PostToolBatch',
  'Notification',
  'UserPromptSubmit',
  'UserPromptExpansion',
  'SessionStart',
  'SessionEnd',
  'Stop',
  'StopFailure',
  'SubagentStart',
  'SubagentStop',
  'PreCompact',
  'PostCompact',
  'PreModelSwitch',
  'PostModelSwitch',
  'PermissionRequest',
  'PermissionDenied',
  'Setup',
  'TeammateIdle',
  'TaskCreated',
  'TaskCompleted',
  'Elicitation',
  'ElicitationResult',
  'ConfigChange',
  'WorktreeCreate',
  'WorktreeRemove',
  'InstructionsLoaded',
  'CwdChanged',
  'FileChanged',
  'DirectoryAdded',
  'MessageDisplay',
  'PreSkillShellCommand',
] as const;

export type HookEvent = (typeof hookEvents)[number];

/** What the CLI sends a hook, as it sends it (fields depend on the event). */
export interface HookInput {
  hook_event_name: HookEvent;
  session_id: string;
  transcript_path: string;
  cwd: string;
  permission_mode?: string;
  /** Tool events: the tool's name (`Bash`, `mcp__orders__lookup_order`), input and (after it ran) response. */
  tool_name?: string;
  tool_input?: Record<string, unknown>;
  tool_response?: unknown;
  tool_use_id?: string;
  /** UserPromptSubmit: the prompt. */
  prompt?: string;
  [field: string]: unknown;
}

/** Event-specific answers: PreToolUse decides and may change the input; most events may add context. */
export interface HookSpecificOutput {
  hookEventName: HookEvent;
  /** PreToolUse: allow (skips the permission check), deny (the model sees the reason) or ask. */
  permissionDecision?: 'allow' | 'deny' | 'ask';
  permissionDecisionReason?: string;
  /** PreToolUse: the input the tool runs with instead. */
  updatedInput?: Record<string, unknown>;
  /** PostToolUse, UserPromptSubmit...: text added to what the model sees. */
  additionalContext?: string;
  [field: string]: unknown;
}

/** A hook's answer, in the CLI's hook JSON; `{}` (or nothing) lets things go on as they would. */
export interface HookOutput {
  /** false stops the turn after this hook (`stopReason` says why). */
  continue?: boolean;
  stopReason?: string;
  suppressOutput?: boolean;
  /** Shown to the user, not the model. */
  systemMessage?: string;
  /** `block` (with `reason`) on PostToolUse, UserPromptSubmit, Stop...: the CLI's older decision field. */
  decision?: 'approve' | 'block';
  reason?: string;
  hookSpecificOutput?: HookSpecificOutput;
}

export interface HookContext {
  /** Aborted when the CLI no longer waits: it cancelled the call, the hook timed out, or the process exited. */
  signal: AbortSignal;
}

/** A hook callback; it may take up to its matcher's `timeout`. */
export type HookCallback = (
  input: HookInput,
  toolUseId: string | undefined,
  context: HookContext,
) => HookOutput | undefined | Promise<HookOutput | undefined>;

export interface HookMatcher {
  /** Tool events: a tool name, `A|B`, or a regular expression; absent or `*`: every call. */
  matcher?: string;
  hooks: HookCallback[];
  /** Seconds the CLI waits for these hooks (its default: 60). */
  timeout?: number;
}

/** Hooks by event, as the Agent SDK's `hooks` option. */
export type Hooks = Partial<Record<HookEvent, HookMatcher[]>>;

const matcherSchema = z.strictObject({
  matcher: z.string().optional(),
  hooks: z.array(z.custom<HookCallback>((v) => typeof v === 'function', 'must be a function')).min(1),
  timeout: z.number().positive().max(86_400).optional(),
});
const hooksSchema = z.partialRecord(z.enum(hookEvents), z.array(matcherSchema));

/** Validates a `hooks` option; InvalidConfigError names the bad field (`hooks.PreToolUse.0.hooks`). */
export function parseHooks(value: unknown, field = 'hooks'): Hooks {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidConfigError(field, 'must be an object of hook event -> matchers');
  }
  const unknown = Object.keys(value).find((key) => !(hookEvents as readonly string[]).includes(key));
  if (unknown !== undefined) {
    throw new InvalidConfigError(
      `${field}.${unknown}`,
      `is not a hook event (one of ${hookEvents.join(', ')})`,
    );
  }
  const parsed = hooksSchema.safeParse(value);
  if (!parsed.success) throw toInvalidConfigError(parsed.error, field);
  return value as Hooks;
}

/** Validates a `turnHookEvents` option. */
export function parseHookEvents(value: unknown, field = 'turnHookEvents'): readonly HookEvent[] {
  if (value === undefined) return [];
  const parsed = z.array(z.enum(hookEvents)).safeParse(value);
  if (!parsed.success) throw toInvalidConfigError(parsed.error, field);
  return [...new Set(parsed.data)];
}

const hookOutputSchema = z.looseObject({
  continue: z.boolean().optional(),
  stopReason: z.string().optional(),
  suppressOutput: z.boolean().optional(),
  systemMessage: z.string().optional(),
  decision: z.enum(['approve', 'block']).optional(),
  reason: z.string().optional(),
  hookSpecificOutput: z
    .looseObject({
      hookEventName: z.enum(hookEvents),
      permissionDecision: z.enum(['allow', 'deny', 'ask']).optional(),
      permissionDecisionReason: z.string().optional(),
      updatedInput: z.record(z.string(), z.unknown()).optional(),
      additionalContext: z.string().optional(),
    })
    .optional(),
});

/** Checks what a hook returned before it goes to the CLI; throws naming the bad field. */
export function checkHookOutput(output: unknown): HookOutput {
  if (output === undefined || output === null) return {};
  const parsed = hookOutputSchema.safeParse(output);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`the hook returned an invalid ${issue?.path.join('.') || 'answer'}: ${issue?.message}`);
  }
  return parsed.data as HookOutput;
}

/** What a hook's matcher is compared with: the tool for tool events, else the event's own subject. */
function matchTarget(input: HookInput): string | undefined {
  for (const key of ['tool_name', 'source', 'trigger', 'notification_type', 'agent_type']) {
    const value = input[key];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/** The CLI's matcher rule: none or `*` matches all; `A|B` names; anything else is a regular expression. */
export function hookMatches(matcher: string | undefined, input: HookInput): boolean {
  if (matcher === undefined || matcher === '' || matcher === '*') return true;
  const target = matchTarget(input);
  if (target === undefined) return true;
  if (/^[A-Za-z0-9_|]+$/.test(matcher)) return matcher.split('|').includes(target);
  try {
    return new RegExp(matcher).test(target);
  } catch {
    return false;
  }
}
