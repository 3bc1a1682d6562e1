import { resolve } from 'node:path';
import { type ClaudeConfig, permissionModes } from '@claude-code-server/core';
import {
  claudeConfigFieldsBySnakeCase,
  claudeConfigShape,
  type SnakeCase,
  snakeCase,
} from '@claude-code-server/core/internal';
import { z } from 'zod';
import { mappingOr, oneOf, stringList, typeError } from './zod-helpers.js';

type CoreShape = typeof claudeConfigShape;

/**
 * Core's ClaudeConfig keys the file never sets: the project decides `cwd`, `limits` the timeout, and
 * the server itself streams token deltas and reads the answer as text.
 */
const SERVER_DECIDES = [
  'cwd',
  'includePartialMessages',
  'jsonSchema',
  'outputFormat',
  'timeoutMs',
] as const satisfies ReadonlyArray<keyof CoreShape>;

/** Tools a request may use without asking when the config names none: they only read. */
export const READ_ONLY_TOOLS = ['Read', 'Grep', 'Glob'] as const;

/** A JSON file's path, or the object itself (an error names the key inside the object). */
const pathOrObject = mappingOr(
  z.record(z.string(), z.unknown()),
  z.string({ error: typeError('must be a file path or an object') }).min(1, 'must not be empty'),
);

/** Where the server's section means more than core's field: its defaults and stricter checks. */
const serverRules = {
  permissionMode: oneOf(permissionModes)
    .refine((mode) => mode !== 'bypassPermissions', {
      message: 'cannot be bypassPermissions; give a key max_permission_mode and allow_bypass instead',
    })
    .default('default'),
  allowedTools: stringList.default([...READ_ONLY_TOOLS]),
  mcpConfig: pathOrObject.optional(),
  settings: pathOrObject.optional(),
} satisfies Partial<Record<keyof CoreShape, z.ZodType>>;

type SectionShape = {
  [K in Exclude<
    keyof CoreShape,
    (typeof SERVER_DECIDES)[number]
  > as SnakeCase<K>]: K extends keyof typeof serverRules ? (typeof serverRules)[K] : CoreShape[K];
};

const sectionShape: Record<string, z.ZodType> = {};
for (const [key, schema] of Object.entries(claudeConfigShape)) {
  if ((SERVER_DECIDES as readonly string[]).includes(key)) continue;
  sectionShape[snakeCase(key)] = (serverRules as Record<string, z.ZodType>)[key] ?? schema;
}

/**
 * The CLI settings every turn starts from: core's ClaudeConfig in snake_case, derived from core's
 * schema (a new CLI option there is a key here), with the server's defaults and limits.
 */
export const claudeSectionSchema = z.strictObject(sectionShape as SectionShape);

export type ClaudeSectionConfig = z.output<typeof claudeSectionSchema>;

/** The CLI config of the claude section (camelCase, absolute config and added dirs), without unset keys. */
export function claudeConfigOf(claude: ClaudeSectionConfig): ClaudeConfig {
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(claude)) {
    if (value !== undefined) config[claudeConfigFieldsBySnakeCase.get(key) ?? key] = value;
  }
  if (claude.config_dir !== undefined) config.configDir = resolve(claude.config_dir);
  if (claude.add_dirs !== undefined) config.addDirs = claude.add_dirs.map((dir) => resolve(dir));
  return config as ClaudeConfig;
}
