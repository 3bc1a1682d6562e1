import { UnknownProjectError } from '../errors.js';
import { canonicalCwd } from '../transcript/project-slug.js';

/** Resolves project names to the directories the CLI runs in (symlinks resolved, as the CLI names them). */
export class ProjectDirectories {
  private readonly canonical = new Map<string, Promise<string>>();

  constructor(
    private readonly projects: ReadonlyMap<string, string>,
    private readonly defaultDir: string,
  ) {}

  /** Throws UnknownProjectError for a name the agent was not configured with. */
  check(project: string | null | undefined): void {
    if (project != null && !this.projects.has(project)) {
      throw new UnknownProjectError(project, [...this.projects.keys()]);
    }
  }

  /** The working directory of a project (null: the agent's default directory). */
  async directoryOf(project: string | null): Promise<string> {
    this.check(project);
    const dir = project === null ? this.defaultDir : (this.projects.get(project) as string);
    let resolved = this.canonical.get(dir);
    if (!resolved) {
      resolved = canonicalCwd(dir);
      this.canonical.set(dir, resolved);
    }
    return resolved;
  }
}
