import { type ClaudeConfig, findCliCredentials, getCliVersion } from '@claude-code-server/core';
import type { SessionStore } from '@claude-code-server/store';
import type { Logger } from 'pino';

const CLI_OK_TTL_MS = 60_000;
const CLI_FAILED_TTL_MS = 5_000;
const STORE_TIMEOUT_MS = 5_000;
const PROBE_SESSION_ID = 'health-probe';

export interface HealthReport {
  /** The store and the CLI work. */
  healthy: boolean;
  /** Healthy, but turns will fail: the CLI has no credentials (or its last turn said so). */
  degraded: boolean;
  claudeVersion: string | null;
  storeOk: boolean;
  problems: string[];
}

/** The problem /health names for a CLI without credentials, with what the operator should do. */
export const NO_CREDENTIALS_PROBLEM =
  'claude: CLI_NOT_AUTHENTICATED (no Anthropic credentials: set ANTHROPIC_API_KEY in the server environment or claude.env)';

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

/**
 * Checks that the CLI runs (`--version`, cached for a minute), that it has credentials (as far as can
 * be seen without calling the API, and as its last turn told), and that the store answers a read.
 */
export class HealthCheck {
  /** The last turn failed with CLI_NOT_AUTHENTICATED (cleared by a turn that ran). */
  private refusedCredentials = false;

  private cli: { at: number; version: string | null; problem: string | null; pending?: Promise<void> } = {
    at: 0,
    version: null,
    problem: null,
  };

  constructor(
    private readonly store: SessionStore,
    private readonly cliConfig: Pick<ClaudeConfig, 'cliPath' | 'env' | 'configDir' | 'settings'>,
    private readonly logger: Logger,
  ) {}

  /** True when the CLI config shows credentials (an env variable, a cloud provider, a login, an apiKeyHelper). */
  credentialsFound(): boolean {
    return findCliCredentials(this.cliConfig) !== null;
  }

  /** What a turn said about the credentials: CLI_NOT_AUTHENTICATED, or any other outcome of a turn that ran. */
  noteTurn(code: string | undefined): void {
    this.refusedCredentials = code === 'CLI_NOT_AUTHENTICATED';
  }

  async check(): Promise<HealthReport> {
    const [, storeProblem] = await Promise.all([this.refreshCli(), this.checkStore()]);
    const problems = [this.cli.problem, storeProblem].filter((p): p is string => p !== null);
    const degraded = problems.length === 0 && (this.refusedCredentials || !this.credentialsFound());
    if (degraded) problems.push(NO_CREDENTIALS_PROBLEM);
    return {
      healthy: !degraded && problems.length === 0,
      degraded,
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
