export { type CliTestEnv, type CliTestEnvOptions, createCliTestEnv } from './cli-test-env.js';
export { findProcessesByEnv, isProcessAlive, isProcessGroupAlive, processGroupMembers } from './processes.js';
