/**
 * The lines of a test's bot.yaml that run the real CLI against fake-anthropic with one warm process
 * and no debounce, in front of the store and platform lines the test adds.
 */
export function serviceYaml(options: { dir: string; configDir: string; fakeUrl: string }): string[] {
  return [
    'server: { port: 0 }',
    'claude:',
    `  config_dir: ${options.configDir}`,
    '  env:',
    `    ANTHROPIC_BASE_URL: ${options.fakeUrl}`,
    '    ANTHROPIC_API_KEY: test-key',
    '    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1"',
    `    HOME: ${options.dir}`,
    'agent: { max_live: 1 }',
    'bot: { debounce_ms: 0 }',
  ];
}
