// Removes the package's dist before a build, so files of deleted sources are never built on or packed.
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
