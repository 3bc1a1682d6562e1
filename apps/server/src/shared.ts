/**
 * What the self-hosted services share (apps/bot uses it): the store section (schema, environment
 * variables, opening and probing a store), reading YAML, the logger, the doctor's checks and the
 * command line's errors. One place decides how a store is configured and opened for every service.
 */
export { exitWithCliError } from './cli-errors.js';
export { DEFAULT_SQLITE_PATH, type StoreConfig, storeConfigSchema } from './config/app-config-schema.js';
export { applyEnvOverrides } from './config/env-overrides.js';
export { isPlainObject, type RawConfig, ValueOrigins } from './config/raw-config.js';
export { readConfigFile } from './config/read-config-file.js';
export { checkAuthConfigured } from './doctor/check-auth.js';
export { checkCli } from './doctor/check-cli.js';
export { type CheckResult, fail, formatReport, pass } from './doctor/check-result.js';
export { checkStore } from './doctor/check-store.js';
export { AppError, ConfigError, UsageError } from './errors.js';
export { createLogger } from './log/create-logger.js';
export { createStoreFromConfig } from './store/create-store.js';
export { describeStore } from './store/describe-store.js';
export { redactUrl } from './store/redact-url.js';
