import type { ParsedServerConfig } from '@claude-code-server/server';
import {
  type IssueProblem,
  issueProblems,
  safeParsePlain,
  serverConfigSchema,
} from '@claude-code-server/server/internal';

/** The config keys that become `createServer`'s options, validated by the server's own schema. */
export type ServerSection = ParsedServerConfig;

/** The top-level keys the server's options accept from a config file. */
export function serverSectionKeys(): string[] {
  return Object.keys(serverConfigSchema.shape);
}

/** Validates the part of the config that becomes `createServer`'s options. */
export function validateServerSection(
  input: Record<string, unknown>,
): { success: true; data: ServerSection } | { success: false; problems: IssueProblem[] } {
  const parsed = safeParsePlain(serverConfigSchema, input);
  if (parsed.success) return { success: true, data: parsed.data };
  return { success: false, problems: issueProblems(parsed.error.issues) };
}
