import { type ClaudeConfigField, claudeConfigShape } from './config.js';

/** A camelCase name in snake_case, as a type: `maxApiRetries` -> `max_api_retries`. */
export type SnakeCase<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${SnakeCase<Tail>}`
  : S;

/** A camelCase name in snake_case: `maxApiRetries` -> `max_api_retries`. */
export function snakeCase<S extends string>(name: S): SnakeCase<S> {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`) as SnakeCase<S>;
}

/** Each ClaudeConfig field by its snake_case name (`max_api_retries` -> `maxApiRetries`), for snake_case config files. */
export const claudeConfigFieldsBySnakeCase: ReadonlyMap<string, ClaudeConfigField> = new Map(
  (Object.keys(claudeConfigShape) as ClaudeConfigField[]).map((field) => [snakeCase(field), field]),
);
