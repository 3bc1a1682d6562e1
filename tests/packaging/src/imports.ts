import { builtinModules } from 'node:module';

// What tsc emits: import and export statements at a line's start (a multi-line list included),
// side-effect imports, dynamic imports, require() and createRequire(...).resolve().
const SPECIFIERS = [
  /^\s*(?:import|export)\b[^;'"=(]*?\bfrom\s*['"]([^'"]+)['"]/gm,
  /^\s*import\s*['"]([^'"]+)['"]/gm,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\bcreateRequire\([^)]*\)\.resolve\(\s*['"]([^'"]+)['"]/g,
];

/** The package a bare specifier names (`@scope/name/sub` -> `@scope/name`), or null for relative and built-in ones. */
export function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return null;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
  return builtinModules.includes(name) ? null : name;
}

/** Packages that a JavaScript or declaration file's source imports. */
export function importedPackages(source: string): Set<string> {
  const names = new Set<string>();
  for (const pattern of SPECIFIERS) {
    for (const match of source.matchAll(pattern)) {
      const name = packageOf(match[1] ?? '');
      if (name) names.add(name);
    }
  }
  return names;
}
