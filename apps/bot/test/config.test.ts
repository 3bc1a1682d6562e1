import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBotDoctor } from '../src/commands/doctor.js';
import { loadBotConfig } from '../src/config/load-bot-config.js';
import type { ConfigError } from '../src/config/server-app.js';
import { startBotService } from '../src/start/bot-service.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A directory with `bot.yaml` holding `yaml`. */
function withConfig(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bot-config-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'bot.yaml'), yaml);
  return dir;
}

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    return [...(error as ConfigError).problems];
  }
  throw new Error('the config was accepted');
}

describe('bot.yaml', () => {
  it('says to enable a platform when none is', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bot-config-'));
    dirs.push(dir);
    expect(problemsOf(() => loadBotConfig({ cwd: dir, env: {} }))).toEqual([
      '(defaults): platforms: enable at least one platform: slack, discord, teams, gchat, telegram, lark, wecom, wechat (e.g. `platforms: { slack: {} }`)',
    ]);
  });

  it('names every bad key, and where a value from the environment came from', () => {
    const dir = withConfig(
      [
        'platforms:',
        '  slack: { signing_secret: abc, colour: blue }',
        '  gchat: {}',
        'bot:',
        '  approval_timeout_ms: soon',
        '  sessions: { dm: everyone }',
        'state: { type: redis, urls: x }',
        'stor: {}',
      ].join('\n'),
    );
    expect(problemsOf(() => loadBotConfig({ cwd: dir, env: { CCS_BOT_PORT: 'eighty' } })).sort()).toEqual(
      [
        'platforms.slack.signing_secret: secrets are not read from the config file; set the environment variable SLACK_SIGNING_SECRET instead',
        'CCS_BOT_PORT (server.port): must be a number (got string)',
        'bot.yaml: platforms.slack.colour: is not a known key',
        'bot.yaml: platforms.gchat: give project_number (the Chat app authenticates with the project number) or endpoint_url (with the HTTP endpoint URL): Google Chat requests are verified against one of them',
        'bot.yaml: bot.approval_timeout_ms: must be a number (got string)',
        'bot.yaml: bot.sessions.dm: must be one of user, thread, channel',
        'bot.yaml: state.urls: is not a known key',
        'bot.yaml: stor: is not a known key',
      ].sort(),
    );
  });

  it('takes the store as the server does (CCS_STORE, DATABASE_URL) and Chat SDK state from its own keys', () => {
    const dir = withConfig('platforms: { telegram: {} }\nstate: { type: postgres }\n');
    const config = loadBotConfig({
      cwd: dir,
      env: { CCS_STORE: 'postgres', DATABASE_URL: 'postgres://127.0.0.1:5432/test' },
    });
    expect(config.store).toEqual({ type: 'postgres', url: 'postgres://127.0.0.1:5432/test' });
    expect(config.state).toEqual({ type: 'postgres', url: 'postgres://127.0.0.1:5432/test' });
    expect(config.server).toEqual({
      host: '127.0.0.1',
      port: 8100,
      base_path: '/webhooks',
      shutdown_deadline_ms: 30_000,
    });
    expect(config.project.path).toBe(join(dir, 'data/projects/default'));
  });
});

describe('the service with Teams, Google Chat and Telegram enabled', () => {
  const env = {
    TEAMS_APP_ID: '00000000-0000-0000-0000-000000000001',
    TEAMS_APP_PASSWORD: 'teams-password',
    GOOGLE_CHAT_CREDENTIALS: JSON.stringify({
      type: 'service_account',
      client_email: 'bot@p.iam.gserviceaccount.com',
      private_key: 'k',
    }),
    TELEGRAM_BOT_TOKEN: '123456:telegram-token',
    TELEGRAM_WEBHOOK_SECRET_TOKEN: 'telegram-secret',
  };
  /** The Bot API's getMe, which the adapter calls for the bot's identity (answered as Telegram documents it). */
  const telegramApi = createServer((req, res) => {
    const getMe = /^\/bot[^/]+\/getMe$/.test(req.url ?? '');
    res.writeHead(getMe ? 200 : 404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        getMe
          ? {
              ok: true,
              result: { id: 123456, is_bot: true, first_name: 'Claude', username: 'claude_test_bot' },
            }
          : { ok: false, error_code: 404, description: 'Not Found' },
      ),
    );
  });
  const yaml = () =>
    [
      'server: { port: 0, base_path: /hooks }',
      'store: { type: memory }',
      'platforms:',
      '  teams: {}',
      '  gchat: { project_number: "123456789" }',
      `  telegram: { api_url: "http://127.0.0.1:${(telegramApi.address() as AddressInfo).port}" }`,
    ].join('\n');

  beforeAll(() => new Promise<void>((resolve) => telegramApi.listen(0, '127.0.0.1', resolve)));
  afterAll(() => new Promise<void>((resolve) => telegramApi.close(() => resolve())));

  it('serves a webhook route for each, refusing requests the platform did not sign', async () => {
    const dir = withConfig(yaml());
    const service = await startBotService(loadBotConfig({ cwd: dir, env }), {
      env,
      logger: pino({ level: 'silent' }),
    });
    try {
      expect(service.platforms).toEqual(['teams', 'gchat', 'telegram']);
      const post = (platform: string, headers: Record<string, string> = {}) =>
        fetch(`${service.url}/hooks/${platform}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ update_id: 1 }),
        });
      expect((await post('teams')).status).toBe(401);
      expect((await post('gchat')).status).toBe(401);
      expect((await post('telegram', { 'x-telegram-bot-api-secret-token': 'wrong' })).status).toBe(401);
      // Telegram's secret token (the one given to setWebhook) is the whole check: this one is taken.
      expect((await post('telegram', { 'x-telegram-bot-api-secret-token': 'telegram-secret' })).status).toBe(
        200,
      );
      expect((await post('slack')).status).toBe(404);
      const health = await fetch(`${service.url}/health`);
      expect(await health.json()).toEqual({ status: 'ok', platforms: ['teams', 'gchat', 'telegram'] });
    } finally {
      await service.close();
    }
  });

  it('doctor names each missing variable and what it is', async () => {
    const dir = withConfig(yaml());
    const results = await runBotDoctor({ cwd: dir, env: { TEAMS_APP_ID: 'x', PATH: process.env.PATH } });
    const byName = Object.fromEntries(results.map((result) => [result.name, result]));
    expect(byName.config?.ok).toBe(true);
    expect(byName.store?.ok).toBe(true);
    expect(byName.teams?.ok).toBe(false);
    expect(byName.teams?.detail).toBe(
      'Microsoft Teams: not set: TEAMS_APP_PASSWORD (a client secret of that app registration)',
    );
    expect(byName.gchat?.detail).toContain('GOOGLE_CHAT_CREDENTIALS or GOOGLE_CHAT_USE_ADC');
    expect(byName.telegram?.detail).toContain('TELEGRAM_BOT_TOKEN (the token @BotFather gave for the bot)');
  });
});
