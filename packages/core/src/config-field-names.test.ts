import { describe, expect, it } from 'vitest';
import { claudeConfigShape } from './config.js';
import { claudeConfigFieldsBySnakeCase, snakeCase } from './config-field-names.js';

describe('snake_case names of ClaudeConfig fields', () => {
  it('spells each camelCase word boundary with an underscore', () => {
    expect(snakeCase('maxApiRetries')).toBe('max_api_retries');
    expect(snakeCase('appendSystemPrompt')).toBe('append_system_prompt');
    expect(snakeCase('cwd')).toBe('cwd');
  });

  it('names every field once, and maps each name back to its field', () => {
    const fields = Object.keys(claudeConfigShape);
    expect(claudeConfigFieldsBySnakeCase.size).toBe(fields.length);
    for (const field of fields) expect(claudeConfigFieldsBySnakeCase.get(snakeCase(field))).toBe(field);
    expect(claudeConfigFieldsBySnakeCase.get('config_dir')).toBe('configDir');
  });
});
