import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadBotConfig } from '../src/config/load-bot-config.js';

it('bot.yaml.example is a valid config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bot-example-'));
  try {
    copyFileSync(new URL('../bot.yaml.example', import.meta.url), join(dir, 'bot.yaml'));
    const config = loadBotConfig({ cwd: dir, env: {} });
    expect(Object.keys(config.platforms)).toEqual(['slack']);
    expect(config.store).toEqual({ type: 'sqlite', path: join(dir, 'data/sessions.db') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it("bot.yaml.example's commented platform entries are valid too", () => {
  const dir = mkdtempSync(join(tmpdir(), 'bot-example-'));
  try {
    const example = readFileSync(new URL('../bot.yaml.example', import.meta.url), 'utf8');
    // `  # name: { ... }` lines under platforms, uncommented.
    writeFileSync(join(dir, 'bot.yaml'), example.replace(/^ {2}# (\w+: \{)/gm, '  $1'));
    const config = loadBotConfig({ cwd: dir, env: {} });
    expect(Object.keys(config.platforms)).toEqual([
      'slack',
      'discord',
      'teams',
      'gchat',
      'telegram',
      'lark',
      'wecom',
      'wechat',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
