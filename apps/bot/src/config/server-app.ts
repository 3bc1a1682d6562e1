/**
 * What the bot shares with apps/server, imported from its build rather than copied: the store
 * section (schema, environment variables, opening and probing it), reading YAML, the logger and the
 * doctor's checks. One place decides how a store is configured and opened for both services.
 */
export {
  DEFAULT_SQLITE_PATH,
  type StoreConfig,
  storeConfigSchema,
} from '@claude-code-server/app-server/dist/config/app-config-schema.js';
export { applyEnvOverrides } from '@claude-code-server/app-server/dist/config/env-overrides.js';
export {
  isPlainObject,
  type RawConfig,
  ValueOrigins,
} from '@claude-code-server/app-server/dist/config/raw-config.js';
export { readConfigFile } from '@claude-code-server/app-server/dist/config/read-config-file.js';
export { checkAuthConfigured } from '@claude-code-server/app-server/dist/doctor/check-auth.js';
export { checkCli } from '@claude-code-server/app-server/dist/doctor/check-cli.js';
export {
  type CheckResult,
  fail,
  formatReport,
  pass,
} from '@claude-code-server/app-server/dist/doctor/check-result.js';
export { checkStore } from '@claude-code-server/app-server/dist/doctor/check-store.js';
export { ConfigError } from '@claude-code-server/app-server/dist/errors.js';
export { createLogger } from '@claude-code-server/app-server/dist/log/create-logger.js';
export { createStoreFromConfig } from '@claude-code-server/app-server/dist/store/create-store.js';
export { describeStore } from '@claude-code-server/app-server/dist/store/describe-store.js';
