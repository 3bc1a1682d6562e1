import { type ClaudeConfig, getCliVersion } from '@claude-code-server/core';
import type { SessionStore } from '@claude-code-server/store';
import type { Logger } from 'pino';

const CLI_OK_TTL_MS = 60_000;
const CLI_FAILED_TTL_MS = 5_000;
const STORE_TIMEOUT_MS = 5_000;
const PROBE_SESSION_ID = 'health-probe';

export interface HealthReport {
  healthy: boolean;
  claudeVersion: string | null;
  storeOk: boolean;
  problems: string[];
}

function describe(error: unknown): { code: string | undefined; message: string } {
  const code = (error as { code?: unknown }).code;
  return { code: typeof code === 'string' ? code : undefined, message: (error as Error).message };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Checks that the CLI runs (`--version`, cached for a minute) and that the store answers a read. */
export class HealthCheck {
  private cli: { at: number; version: string | null; problem: string | null; pending?: Promise<void> } = {
    at: 0,
    version: null,
    problem: null,
  };

  constructor(
    private readonly store: SessionStore,
    private readonly cliConfig: Pick<ClaudeConfig, 'cliPath' | 'env'>,
    private readonly logger: Logger,
  ) {}

  async check(): Promise<HealthReport> {
    const [, storeProblem] = await Promise.all([this.refreshCli(), this.checkStore()]);
    const problems = [this.cli.problem, storeProblem].filter((p): p is string => p !== null);
    return {
      healthy: problems.length === 0,
      claudeVersion: this.cli.version,
      storeOk: storeProblem === null,
      problems,
    };
  }

  private async checkStore(): Promise<string | null> {
    try {
      await withTimeout(this.store.getSession(PROBE_SESSION_ID), STORE_TIMEOUT_MS, 'the store');
      return null;
    } catch (error) {
      // The details (URLs, driver messages) go to the log, not to unauthenticated callers.
      this.logger.warn({ err: describe(error) }, 'health: the store failed');
      return `store: ${describe(error).code ?? 'not answering'}`;
    }
  }

  private refreshCli(): Promise<void> {
    const age = Date.now() - this.cli.at;
    if (this.cli.pending) return this.cli.pending;
    if (age < (this.cli.problem === null ? CLI_OK_TTL_MS : CLI_FAILED_TTL_MS) && this.cli.at > 0) {
      return Promise.resolve();
    }
    const pending = getCliVersion(this.cliConfig).then(
      (version) => {
        this.cli = { at: Date.now(), version, problem: null };
      },
      (error: Error) => {
        this.logger.warn({ err: describe(error) }, 'health: the Claude Code CLI failed');
        const code = describe(error).code;
        this.cli = {
          at: Date.now(),
          version: null,
          problem:
            code === 'CLI_NOT_FOUND'
              ? 'claude: CLI_NOT_FOUND'
              : `claude: ${code ?? 'failed to run --version'}`,
        };
      },
    );
    this.cli = { ...this.cli, pending };
    return pending;
  }
}
