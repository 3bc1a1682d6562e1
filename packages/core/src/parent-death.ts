import { accessSync, constants } from 'node:fs';

const SETPRIV_PATHS = ['/usr/bin/setpriv', '/bin/setpriv', '/usr/sbin/setpriv', '/sbin/setpriv'];
let setprivPath: string | null | undefined;

function findSetpriv(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  if (process.platform !== 'linux') return setprivPath;
  for (const path of SETPRIV_PATHS) {
    try {
      accessSync(path, constants.X_OK);
      setprivPath = path;
      break;
    } catch {
      // not here
    }
  }
  return setprivPath;
}

/**
 * The command that starts the CLI so that the kernel kills it if this process dies, even by SIGKILL
 * (no exit hook runs then, and a CLI in the middle of a turn does not stop at the end of its stdin).
 * Uses util-linux `setpriv --pdeathsig`, which execs the CLI in place (same pid); elsewhere the CLI
 * runs as is and only the exit hooks protect against orphans.
 */
export function withParentDeathSignal(cliPath: string, args: string[]): { command: string; args: string[] } {
  const setpriv = findSetpriv();
  if (!setpriv) return { command: cliPath, args };
  return { command: setpriv, args: ['--pdeathsig', 'SIGKILL', '--', cliPath, ...args] };
}
