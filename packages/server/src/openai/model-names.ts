import { HttpError } from '../errors/http-error.js';

/** The model name that runs the server's own `claude.model` (or the CLI's default). */
export const SERVER_DEFAULT_MODEL = 'claude-code';
/** The CLI's aliases, listed when the server does not restrict models. */
const CLI_ALIASES = ['sonnet', 'opus', 'haiku'] as const;
/** A full Claude model name, as the CLI takes it (`claude-sonnet-4-5`, `claude-opus-4-1-20250805`). */
const FULL_NAME = /^claude-[a-z0-9][a-z0-9.-]*$/;

/**
 * Maps OpenAI model names to the CLI's. With `agent.allowed_models` set only those (and
 * `claude-code`) are offered and accepted; otherwise `claude-code`, the CLI's aliases and any full
 * `claude-...` name.
 */
export class ModelNames {
  constructor(private readonly allowed: readonly string[] | undefined) {}

  /** The names GET /v1/models lists. */
  list(): string[] {
    return [SERVER_DEFAULT_MODEL, ...(this.allowed ?? CLI_ALIASES)];
  }

  /** The CLI model a request's `model` runs with (undefined: the server's own); 404 for any other name. */
  resolve(name: string): string | undefined {
    if (name === SERVER_DEFAULT_MODEL) return undefined;
    const known = this.allowed
      ? this.allowed.includes(name)
      : (CLI_ALIASES as readonly string[]).includes(name) || FULL_NAME.test(name);
    if (known) return name;
    throw new HttpError(
      404,
      'NOT_FOUND',
      `model: ${JSON.stringify(name)} is not available here (available: ${this.list().join(', ')})`,
      { details: { field: 'model' } },
    );
  }
}
