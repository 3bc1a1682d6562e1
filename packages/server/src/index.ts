export { chatConfigSchema, chatRequestSchema } from './api/request-schemas.js';
export type { ChatResponseBody, TaskBody, TaskStatus } from './api/response-schemas.js';
export { HttpError } from './errors/http-error.js';
export { toHttpError } from './errors/map-error.js';
export {
  InvalidServerOptionsError,
  ProjectDirectoryError,
  ServerError,
  type ServerErrorCode,
} from './errors/server-error.js';
export { buildOpenApiDocument } from './openapi/document.js';
export {
  type ClaudeSectionConfig,
  claudeConfigOf,
  claudeSectionSchema,
  READ_ONLY_TOOLS,
} from './options/claude-section.js';
export {
  type AgentSectionConfig,
  type ApiKeyConfig,
  agentSectionSchema,
  apiKeySchema,
  authSchema,
  corsSchema,
  type LimitsConfig,
  limitsSchema,
  logSchema,
  type ParsedServerConfig,
  projectSchema,
  type RateLimitConfig,
  rateLimitSchema,
  type ServerConfig,
  serverConfigSchema,
  tasksSchema,
} from './options/config-schema.js';
export {
  type ParsedServerOptions,
  parseServerOptions,
  type ServerOptions,
  serverOptionsSchema,
} from './options/server-options.js';
export {
  formatIssues,
  type IssueProblem,
  issueProblems,
  plainErrors,
  problemLine,
  safeParsePlain,
} from './options/zod-issues.js';
export { type ClaudeCodeServer, createServer, type ShutdownOptions } from './server.js';
export { SERVER_VERSION } from './version.js';
