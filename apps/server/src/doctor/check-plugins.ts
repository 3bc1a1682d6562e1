import { InvalidServerOptionsError } from '@claude-code-server/server';
import { loadPlugin } from '@claude-code-server/server/internal';
import { type CheckResult, fail, pass } from './check-result.js';

/** Each plugin module imports and exports tools and/or hooks; lists what each gives. */
export async function checkPlugins(paths: readonly string[]): Promise<CheckResult[]> {
  if (paths.length === 0) return [pass('plugins', 'none configured')];
  const results: CheckResult[] = [];
  for (const [index, path] of paths.entries()) {
    const label = `plugin ${path}`;
    try {
      const plugin = await loadPlugin(path, index);
      const toolNames = plugin.toolServers.flatMap((server) => [...server.toolNames]);
      const hookEvents = Object.keys(plugin.hooks);
      const tools = toolNames.length > 0 ? `tools ${toolNames.join(', ')}` : 'no tools';
      const hooks = hookEvents.length > 0 ? `hooks on ${hookEvents.join(', ')}` : 'no hooks';
      results.push(pass(label, `${tools}; ${hooks}`));
    } catch (error) {
      if (!(error instanceof InvalidServerOptionsError)) throw error;
      results.push(
        fail(
          label,
          error.problems.join('\n'),
          'fix the module, or its path under plugins: (a relative path is relative to the config file)',
        ),
      );
    }
  }
  return results;
}
