/**
 * What the bot shares with apps/server, imported from its `./shared` entry rather than copied: the store
 * section (schema, environment variables, opening and probing it), reading YAML, the logger and the
 * doctor's checks. One place decides how a store is configured and opened for both services.
 */
export {
  applyEnvOverrides,
  type CheckResult,
  ConfigError,
  checkAuthConfigured,
  checkCli,
  checkStore,
  createLogger,
  createStoreFromConfig,
  DEFAULT_SQLITE_PATH,
  describeStore,
  fail,
  formatReport,
  isPlainObject,
  pass,
  type RawConfig,
  readConfigFile,
  type StoreConfig,
  storeConfigSchema,
  ValueOrigins,
} from '@claude-code-server/app-server/shared';
