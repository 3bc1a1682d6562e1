/** A config as read from YAML, before validation: plain objects, arrays and scalars. */
export type RawConfig = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The object at `key` of `parent`, created (or replaced, when not an object) as needed. */
export function objectAt(parent: Record<string, unknown>, key: string): Record<string, unknown> {
  const current = parent[key];
  if (isPlainObject(current)) return current;
  const created: Record<string, unknown> = {};
  parent[key] = created;
  return created;
}

/**
 * Remembers which paths were set by something other than the file (an environment variable or a
 * flag), so an error about such a value names the variable rather than the file.
 */
export class ValueOrigins {
  readonly #byPath = new Map<string, string>();

  set(path: string, origin: string): void {
    this.#byPath.set(path, origin);
  }

  /** The origin of `path` or of the nearest parent path that has one. */
  find(path: string): string | undefined {
    for (let candidate = path; candidate !== ''; candidate = parentPath(candidate)) {
      const origin = this.#byPath.get(candidate);
      if (origin) return origin;
    }
    return undefined;
  }
}

function parentPath(path: string): string {
  const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
  return cut <= 0 ? '' : path.slice(0, cut);
}
