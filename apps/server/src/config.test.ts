import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiKeySchema, serverConfigSchema } from '@claude-code-server/server/internal';
import { afterAll, describe, expect, it } from 'vitest';
import { appOwnedConfigSchema, storeConfigSchema } from './config/app-config-schema.js';
import { loadConfig } from './config/load-config.js';
import { ConfigError } from './errors.js';

const dir = mkdtempSync(join(tmpdir(), 'ccs-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
/** Writes a config file into the temp dir and returns its name (relative to the dir). */
function configFile(text: string): string {
  const name = `config-${++fileCount}.yaml`;
  writeFileSync(join(dir, name), text);
  return name;
}

function load(
  text: string | null,
  env: NodeJS.ProcessEnv = {},
  flags: { port?: number; host?: string } = {},
) {
  return loadConfig({ configPath: text === null ? undefined : configFile(text), env, cwd: dir, ...flags });
}

/** The problems of the ConfigError that loading throws. */
function problemsOf(text: string | null, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    load(text, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected the config to be refused');
}

describe('defaults with no config file', () => {
  it('listens on 127.0.0.1:8000 with SQLite in ./data and a default project', () => {
    const config = load(null);
    expect(config.file).toBeNull();
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 8000, shutdown_deadline_ms: 30_000 });
    expect(config.store).toEqual({ type: 'sqlite', path: join(dir, 'data/sessions.db') });
    expect(config.projects).toEqual([{ name: 'default', path: join(dir, 'data/projects/default') }]);
    expect(config.defaultProject).toBe(true);
    expect(config.log).toEqual({ level: 'info', pretty: false });
  });

  it('reads ./config.yaml when present and no file is named', () => {
    const cwd = mkdtempSync(join(dir, 'implicit-'));
    writeFileSync(join(cwd, 'config.yaml'), 'server:\n  port: 9123\n');
    const config = loadConfig({ env: {}, cwd });
    expect(config.file).toBe(join(cwd, 'config.yaml'));
    expect(config.listen.port).toBe(9123);
  });

  it('an empty file is the defaults', () => {
    expect(load('').listen.port).toBe(8000);
  });
});

describe('errors name the key and the problem', () => {
  it('a wrong store type lists the allowed ones', () => {
    const name = configFile('store:\n  type: mysql\n');
    expect(() => loadConfig({ configPath: name, env: {}, cwd: dir })).toThrow(
      `${name}: store.type: must be one of memory, sqlite, redis, postgres`,
    );
  });

  it('names every bad key at once, with its path', () => {
    const problems = problemsOf(
      'server:\n  port: eighty\n  hots: x\nstore:\n  type: redis\n  path: /tmp/x\nbogus: 1\n',
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/: server\.port: must be a number/),
        expect.stringMatching(/: server\.hots: is not a known key$/),
        expect.stringMatching(/: store\.path: is not a known key$/),
        expect.stringMatching(/: bogus: is not a known key$/),
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it('a port out of range', () => {
    expect(problemsOf('server:\n  port: 70000\n')).toEqual([
      expect.stringMatching(/server\.port: must be at most 65535$/),
    ]);
  });

  it('postgres needs a URL', () => {
    expect(problemsOf('store:\n  type: postgres\n')).toEqual([
      expect.stringMatching(/store\.url: is required \(or set DATABASE_URL\)$/),
    ]);
  });

  it('YAML syntax errors give the line and column', () => {
    const name = configFile('server:\n  port: 1\n bad\n');
    expect(() => loadConfig({ configPath: name, env: {}, cwd: dir })).toThrow(
      new RegExp(`^${name}: line 3, column \\d+: .+ \\(not valid YAML\\)`),
    );
  });

  it('a list at the top level', () => {
    expect(problemsOf('- a\n- b\n')).toEqual([
      expect.stringMatching(/top level must be a mapping.*not a list/),
    ]);
  });

  it('a named file that does not exist', () => {
    expect(() => loadConfig({ configPath: 'missing.yaml', env: {}, cwd: dir })).toThrow(
      /missing\.yaml: config file not found \(named by --config\)/,
    );
    expect(() => loadConfig({ env: { CCS_CONFIG: 'nope.yaml' }, cwd: dir })).toThrow(/named by CCS_CONFIG/);
  });

  it('a bad value from the environment names the variable', () => {
    expect(problemsOf(null, { CCS_PORT: 'abc' })).toEqual([
      expect.stringMatching(/^CCS_PORT \(server\.port\): must be a number \(got string\)$/),
    ]);
    expect(problemsOf(null, { CCS_STORE: 'mongo' })).toEqual([
      expect.stringMatching(/^CCS_STORE \(store\.type\): must be one of memory, sqlite, redis, postgres$/),
    ]);
  });
});

describe('the server keys are checked by the server schema', () => {
  it('a key limit names the key and its index', () => {
    const problems = problemsOf(
      'auth:\n  keys:\n    - name: bot\n      key: a-long-enough-secret-123\n      max_permission_mode: godmode\n',
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^config-\d+\.yaml: auth\.keys\[0\]\.max_permission_mode: must be one of default, acceptEdits, bypassPermissions, plan/,
      ),
    ]);
  });

  it('a task queue that is not one, or not on the store, is named', () => {
    expect(problemsOf('tasks:\n  queue: kafka\n')).toEqual([
      expect.stringMatching(
        /: tasks\.queue: "kafka" is not a queue: must be one of auto, in-process, bullmq, pg-boss$/,
      ),
    ]);
    expect(problemsOf('tasks:\n  queue: bullmq\n')).toEqual([
      expect.stringMatching(/: tasks\.queue: bullmq runs on the redis store, and store\.type is sqlite: /),
    ]);
    expect(load('store:\n  type: redis\ntasks:\n  queue: bullmq\n').server.tasks.queue).toBe('bullmq');
  });

  it('unknown nested keys, wrong types and references between keys', () => {
    const problems = problemsOf('claude:\n  modle: x\nlimits:\n  max_queue: many\nauth: some\n');
    expect(problems).toEqual([
      expect.stringMatching(/: claude\.modle: is not a known key$/),
      expect.stringMatching(/: auth: must be none or \{ keys: \[\.\.\.\] \}$/),
      expect.stringMatching(/: limits\.max_queue: must be a number$/),
    ]);
    expect(problemsOf('projects:\n  app:\n    path: .\ndefault_project: nope\n')).toEqual([
      expect.stringMatching(/: default_project: unknown project "nope" \(configured: app\)$/),
    ]);
  });

  it('config.yaml.example is valid as shipped', () => {
    const example = new URL('../config.yaml.example', import.meta.url).pathname;
    const config = loadConfig({ configPath: example, env: {}, cwd: dir });
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 8000, shutdown_deadline_ms: 30_000 });
    expect(config.store.type).toBe('sqlite');
    expect(config.server.auth).toBe('none');
  });

  it('config.yaml.example explains every key, and names no key that does not exist', () => {
    const example = readFileSync(new URL('../config.yaml.example', import.meta.url), 'utf8');
    const known = new Set<string>();
    const walk = (schema: unknown): void => {
      const def = (schema as { _zod?: { def?: Record<string, unknown> } } | undefined)?._zod?.def;
      if (!def) return;
      if (def.type === 'object') {
        for (const [key, value] of Object.entries(def.shape as Record<string, unknown>)) {
          known.add(key);
          walk(value);
        }
      }
      for (const inner of [def.innerType, def.in, def.out, def.valueType, def.element]) walk(inner);
      for (const option of (def.options as unknown[] | undefined) ?? []) walk(option);
    };
    // `auth` is checked by one of two forms chosen at parse time: its keys schema is walked directly.
    for (const schema of [serverConfigSchema, apiKeySchema, appOwnedConfigSchema, storeConfigSchema]) {
      walk(schema);
    }
    known.add('keys');
    const undocumented = [...known].filter((key) => !new RegExp(`^[\\s#-]*${key}:`, 'm').test(example));
    expect(undocumented).toEqual([]);
    // Keys written with an underscore (commented out or not) must be real keys, not leftovers.
    const named = [...example.matchAll(/^[\s#-]*([a-z]+(?:_[a-z]+)+):/gm)].map((match) => match[1]);
    expect(named.filter((key) => !known.has(key as string))).toEqual([]);
  });
});

describe('environment overrides win over the file', () => {
  const file =
    'server:\n  host: 0.0.0.0\n  port: 9000\nstore:\n  type: redis\n  url: redis://file-host:6379\n';

  it('port, host and store URL', () => {
    const config = load(file, {
      CCS_PORT: '9100',
      CCS_HOST: '127.0.0.2',
      REDIS_URL: 'redis://env-host:6380/2',
    });
    expect(config.listen).toMatchObject({ host: '127.0.0.2', port: 9100 });
    expect(config.store).toEqual({ type: 'redis', url: 'redis://env-host:6380/2' });
  });

  it('PORT is read when CCS_PORT is not set; CCS_PORT wins over it', () => {
    expect(load(file, { PORT: '9200' }).listen.port).toBe(9200);
    expect(load(file, { PORT: '9200', CCS_PORT: '9300' }).listen.port).toBe(9300);
  });

  it('flags win over the environment', () => {
    expect(load(file, { CCS_PORT: '9100' }, { port: 9400, host: '::1' }).listen).toMatchObject({
      port: 9400,
      host: '::1',
    });
  });

  it('CCS_STORE switches the store and the matching URL variable fills it', () => {
    const config = load(file, {
      CCS_STORE: 'postgres',
      DATABASE_URL: 'postgres://u:p@db/x',
      REDIS_URL: 'redis://r',
    });
    expect(config.store).toEqual({ type: 'postgres', url: 'postgres://u:p@db/x' });
    expect(load(file, { CCS_STORE: 'memory' }).store).toEqual({ type: 'memory' });
  });

  it('a URL variable of another store type is ignored', () => {
    expect(load(file, { DATABASE_URL: 'postgres://db/x' }).store).toEqual({
      type: 'redis',
      url: 'redis://file-host:6379',
    });
  });

  it('SQLITE_PATH, relative to where the command runs; file paths are relative to the file', () => {
    expect(load(null, { SQLITE_PATH: 'elsewhere/s.db' }).store).toEqual({
      type: 'sqlite',
      path: join(dir, 'elsewhere/s.db'),
    });
    const sub = mkdtempSync(join(dir, 'sub-'));
    writeFileSync(join(sub, 'c.yaml'), 'store:\n  path: db/s.db\nprojects:\n  app:\n    path: ./work\n');
    const config = loadConfig({ configPath: join(sub, 'c.yaml'), env: {}, cwd: dir });
    expect(config.store).toEqual({ type: 'sqlite', path: join(sub, 'db/s.db') });
    expect(config.projects).toEqual([{ name: 'app', path: join(sub, 'work') }]);
    expect(config.defaultProject).toBe(false);
  });

  it('CCS_API_KEYS replaces the secret of a named key (limits stay) and adds the others', () => {
    const file = `auth:\n  keys:\n    - name: bot\n      sha256: ${'a'.repeat(64)}\n      users: ["slack:*"]\n`;
    const config = load(file, { CCS_API_KEYS: 'bot=secret-from-the-environment,another-secret-of-16+' });
    expect(config.server.auth).toEqual({
      keys: [
        expect.objectContaining({ name: 'bot', key: 'secret-from-the-environment', users: ['slack:*'] }),
        expect.objectContaining({ name: 'env-2', key: 'another-secret-of-16+', users: ['*'] }),
      ],
    });
    expect((config.server.auth as { keys: object[] }).keys[0]).not.toHaveProperty('sha256');
    expect(load(null, { CCS_API_KEYS: 'only-this-key-0123456' }).server.auth).toEqual({
      keys: [expect.objectContaining({ name: 'env-1', key: 'only-this-key-0123456' })],
    });
    expect(problemsOf(null, { CCS_API_KEYS: 'short' })).toEqual([
      expect.stringMatching(/^CCS_API_KEYS \(auth\.keys\[0\]\.key\): must be at least 16 characters$/),
    ]);
  });

  it('an ANTHROPIC_ variable wins over the same one under claude.env', () => {
    const file = 'claude:\n  env:\n    ANTHROPIC_BASE_URL: http://file\n    OTHER: x\n';
    const config = load(file, { ANTHROPIC_BASE_URL: 'http://env' });
    expect(config.server.claude.env).toEqual({ ANTHROPIC_BASE_URL: 'http://env', OTHER: 'x' });
  });

  it("CCS_ADVERTISE_URL is the node's cluster.advertise_url, checked as a URL", () => {
    const config = load('cluster:\n  advertise_url: http://file:8000\n', {
      CCS_ADVERTISE_URL: 'http://10.0.0.5:8000',
    });
    expect(config.server.cluster.advertise_url).toBe('http://10.0.0.5:8000');
    expect(problemsOf(null, { CCS_ADVERTISE_URL: 'server-1:8000' })).toEqual([
      expect.stringMatching(
        /^CCS_ADVERTISE_URL \(cluster\.advertise_url\): must be an http:\/\/ or https:\/\/ URL/,
      ),
    ]);
    expect(problemsOf('cluster:\n  advertise_url: not a url\n')).toEqual([
      expect.stringMatching(/cluster\.advertise_url: "not a url" is not a URL/),
    ]);
  });

  it('log level and pretty', () => {
    const config = load('log:\n  level: warn\n', { CCS_LOG_LEVEL: 'debug', CCS_LOG_PRETTY: '1' });
    expect(config.log).toEqual({ level: 'debug', pretty: true });
  });
});

describe('the CLI config dir the doctor checks', () => {
  it('follows the rule the server uses: config_dir, then claude.env, then the environment', async () => {
    const { claudeSettings } = await import('./doctor/claude-settings.js');
    const both = load('claude:\n  config_dir: /srv/a\n  env:\n    CLAUDE_CONFIG_DIR: /srv/b\n');
    expect(claudeSettings(both, { CLAUDE_CONFIG_DIR: '/srv/c' }).configDir).toBe('/srv/a');
    const envOnly = load('claude:\n  env:\n    CLAUDE_CONFIG_DIR: /srv/b\n');
    expect(claudeSettings(envOnly, { CLAUDE_CONFIG_DIR: '/srv/c' }).configDir).toBe('/srv/b');
    expect(claudeSettings(load(null), { CLAUDE_CONFIG_DIR: '/srv/c' }).configDir).toBe('/srv/c');
  });
});
