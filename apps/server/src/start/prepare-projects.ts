import { mkdirSync } from 'node:fs';
import { ProjectDirectoryError } from '@claude-code-server/server';
import type { AppConfig } from '../config/load-config.js';
import { projectDirectoryProblem } from '../doctor/check-projects.js';

/**
 * Creates the built-in default project directory when it is in use; every configured project
 * directory must already exist and be readable.
 */
export function prepareProjects(config: AppConfig): void {
  for (const { name, path } of config.projects) {
    if (config.defaultProject) mkdirSync(path, { recursive: true });
    const problem = projectDirectoryProblem(path);
    if (problem) {
      throw new ProjectDirectoryError(name, path, problem);
    }
  }
}
