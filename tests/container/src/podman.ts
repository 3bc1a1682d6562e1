import { execFile, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root (the build context) and its docker folder. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const dockerDir = `${repoRoot}docker/`;

/** `podman --version`, or undefined when podman is not installed. */
export function podmanVersion(): string | undefined {
  const result = spawnSync('podman', ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Runs a command to its end; rejects with its exit and the last lines of its output. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...env } });
    let output = '';
    const keep = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(output);
      const tail = output.trimEnd().split('\n').slice(-30).join('\n');
      reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}:\n${tail}`));
    });
  });
}

/** A podman command's stdout, trimmed, and its exit code (never throws on a non-zero exit). */
export function podman(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('podman', args, { encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout: stdout.trim(), stderr: stderr.trim() });
    });
  });
}

/** The options this machine's podman needs for build and run (docker/podman-options.sh). */
export async function podmanOptions(baseImage: string): Promise<string[]> {
  const out = await run(`${dockerDir}podman-options.sh`, [baseImage]);
  return out.split('\n').filter((line) => line.startsWith('--'));
}
