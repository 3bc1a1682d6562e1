import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Hooks, ToolServer } from '@claude-code-server/core';
import { parseHooks, parseToolServers } from '@claude-code-server/core/internal';
import { ClaudeCodeServerError } from '@claude-code-server/errors';
import { InvalidServerOptionsError } from '../errors/server-error.js';

/** The operator's in-process tools and hooks, from `plugins` modules and the `toolServers`/`hooks` options. */
export interface ServerPlugins {
  toolServers: ToolServer[];
  hooks: Hooks;
  /** What each plugin module gave, for logs and `doctor`. */
  loaded: LoadedPlugin[];
}

export interface LoadedPlugin {
  path: string;
  /** `mcp__<server>__<tool>` names of its tools. */
  toolNames: string[];
  /** The hook events it hooks into. */
  hookEvents: string[];
}

const EXPORT_SHAPE =
  'export toolServers (an array of createToolServer servers) and/or hooks, or a default export { toolServers, hooks }';

/** `plugins.<index>: <file> <problem>`, as an InvalidServerOptionsError. */
function pluginError(index: number, file: string, problem: string): InvalidServerOptionsError {
  return new InvalidServerOptionsError([`plugins.${index}: ${file} ${problem}`], `plugins.${index}`);
}

/** Imports one plugin module and checks its exports; throws InvalidServerOptionsError naming the file. */
export async function loadPlugin(
  path: string,
  index = 0,
): Promise<{ toolServers: ToolServer[]; hooks: Hooks }> {
  const file = resolve(path);
  if (!existsSync(file)) throw pluginError(index, file, 'does not exist');
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw pluginError(
      index,
      file,
      `threw while importing: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const fallback = module.default;
  const source =
    module.toolServers === undefined &&
    module.hooks === undefined &&
    typeof fallback === 'object' &&
    fallback !== null
      ? (fallback as Record<string, unknown>)
      : module;
  if (source.toolServers === undefined && source.hooks === undefined) {
    throw pluginError(index, file, `exports neither toolServers nor hooks: ${EXPORT_SHAPE}`);
  }
  try {
    return { toolServers: [...parseToolServers(source.toolServers)], hooks: parseHooks(source.hooks) };
  } catch (error) {
    // core's InvalidConfigError names the field (toolServers.0, hooks.PreToolUse.0.hooks.0).
    const problem = error instanceof ClaudeCodeServerError ? error.message : String(error);
    throw pluginError(index, file, `has a wrong export: ${problem} (${EXPORT_SHAPE})`);
  }
}

/** Runs one of core's option checks, its InvalidConfigError becoming the server's, naming the option. */
function asOption<T>(option: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ClaudeCodeServerError)) throw error;
    throw new InvalidServerOptionsError([`${option}: ${error.message}`], option);
  }
}

/** Loads every plugin module in order and merges them with the tools and hooks given as code. */
export async function loadServerPlugins(input: {
  paths: readonly string[];
  toolServers?: readonly ToolServer[] | undefined;
  hooks?: Hooks | undefined;
}): Promise<ServerPlugins> {
  const toolServers: ToolServer[] = [...asOption('toolServers', () => parseToolServers(input.toolServers))];
  const hooks: Hooks = {};
  const addHooks = (more: Hooks) => {
    for (const [event, matchers] of Object.entries(more) as [
      keyof Hooks,
      NonNullable<Hooks[keyof Hooks]>,
    ][]) {
      hooks[event] = [...(hooks[event] ?? []), ...matchers];
    }
  };
  addHooks(asOption('hooks', () => parseHooks(input.hooks)));
  const loaded: LoadedPlugin[] = [];
  for (const [index, path] of input.paths.entries()) {
    const plugin = await loadPlugin(path, index);
    const clash = plugin.toolServers.find((server) =>
      toolServers.some((other) => other.name === server.name),
    );
    if (clash)
      throw pluginError(
        index,
        resolve(path),
        `defines tool server ${clash.name}, which another plugin (or toolServers) defines too`,
      );
    toolServers.push(...plugin.toolServers);
    addHooks(plugin.hooks);
    loaded.push({
      path: resolve(path),
      toolNames: plugin.toolServers.flatMap((server) => [...server.toolNames]),
      hookEvents: Object.keys(plugin.hooks),
    });
  }
  return { toolServers, hooks, loaded };
}
