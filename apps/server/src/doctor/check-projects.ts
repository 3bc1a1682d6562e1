import { accessSync, constants, statSync } from 'node:fs';
import type { ProjectDirectory } from '../config/load-config.js';
import { type CheckResult, fail, pass } from './check-result.js';

/** What is wrong with a project directory, or undefined when it is a readable directory. */
export function projectDirectoryProblem(path: string): string | undefined {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    return 'does not exist';
  }
  if (!isDirectory) return 'is not a directory';
  try {
    accessSync(path, constants.R_OK | constants.X_OK);
  } catch {
    return 'is not readable by this user';
  }
  return undefined;
}

/** Each project directory exists and is readable (the built-in default is created by `start`). */
export function checkProjects(projects: readonly ProjectDirectory[], defaultProject: boolean): CheckResult[] {
  if (projects.length === 0) {
    return [fail('projects', 'no project is configured', 'add at least one entry under `projects:`')];
  }
  return projects.map(({ name, path }) => {
    const label = `project ${name}`;
    const problem = projectDirectoryProblem(path);
    if (!problem) return pass(label, `${path} is readable`);
    if (defaultProject && problem === 'does not exist') {
      return pass(label, `${path}`, '`start` creates this built-in default directory');
    }
    return fail(
      label,
      `${path} ${problem}`,
      problem === 'does not exist'
        ? `create it (mkdir -p ${path}) or change projects.${name}.path in the config`
        : `give the server's user read access to ${path}, or change projects.${name}.path`,
    );
  });
}
