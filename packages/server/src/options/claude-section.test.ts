import { resolve } from 'node:path';
import { claudeConfigSchema } from '@claude-code-server/core/internal';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type ClaudeSectionConfig, claudeConfigOf, claudeSectionSchema } from './claude-section.js';

describe('the claude section', () => {
  it("holds core's ClaudeConfig keys in snake_case, except what the server decides", () => {
    const core = Object.keys(claudeConfigSchema.shape)
      .filter(
        (key) => !['cwd', 'includePartialMessages', 'jsonSchema', 'outputFormat', 'timeoutMs'].includes(key),
      )
      .map((key) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`));
    expect(Object.keys(claudeSectionSchema.shape).sort()).toEqual(core.sort());
    expect(Object.keys(claudeSectionSchema.shape)).toEqual(
      expect.arrayContaining(['cli_path', 'fallback_model', 'append_system_prompt', 'max_api_retries']),
    );
    // Never bypassPermissions: keys may allow it, the section's default may not.
    expectTypeOf<ClaudeSectionConfig['permission_mode']>().toEqualTypeOf<
      'default' | 'acceptEdits' | 'plan' | 'dontAsk' | 'auto'
    >();
    expectTypeOf<ClaudeSectionConfig['max_api_retries']>().toEqualTypeOf<number | undefined>();
  });

  it("maps back to core's ClaudeConfig: camelCase, absolute dirs, the server's defaults, no unset keys", () => {
    const section = claudeSectionSchema.parse({
      config_dir: 'conf',
      add_dirs: ['extra'],
      append_system_prompt: 'Be brief.',
      max_api_retries: 2,
      mcp_config: { mcpServers: {} },
    });
    expect(claudeConfigOf(section)).toEqual({
      configDir: resolve('conf'),
      addDirs: [resolve('extra')],
      appendSystemPrompt: 'Be brief.',
      maxApiRetries: 2,
      mcpConfig: { mcpServers: {} },
      permissionMode: 'default',
      allowedTools: ['Read', 'Grep', 'Glob'],
    });
    expect(() => claudeConfigSchema.parse(claudeConfigOf(section))).not.toThrow();
  });
});
