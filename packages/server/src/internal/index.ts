/**
 * `@claude-code-server/server/internal`: what the self-hosted app (apps/server) shares with the
 * server: the config's section schemas, the zod issue formatter, option parsing and error mapping.
 * Not part of the public API: it may change in any release, without a major version.
 */
export { toHttpError } from '../errors/map-error.js';
export { claudeConfigOf, claudeSectionSchema, READ_ONLY_TOOLS } from '../options/claude-section.js';
export {
  agentSectionSchema,
  apiKeySchema,
  authSchema,
  corsSchema,
  limitsSchema,
  logSchema,
  projectSchema,
  rateLimitSchema,
  serverConfigSchema,
  tasksSchema,
} from '../options/config-schema.js';
export {
  type ParsedServerOptions,
  parseServerOptions,
  serverOptionsSchema,
} from '../options/server-options.js';
export {
  formatIssues,
  type IssueProblem,
  issueProblems,
  plainErrors,
  problemLine,
  safeParsePlain,
} from '../options/zod-issues.js';
export {
  type LoadedPlugin,
  loadPlugin,
  loadServerPlugins,
  type ServerPlugins,
} from '../plugins/plugin-loader.js';
