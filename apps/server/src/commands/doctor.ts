import { formatReport } from '../doctor/check-result.js';
import { runDoctor } from '../doctor/run-doctor.js';

/** `claude-code-server doctor`: prints every check; resolves 1 when any failed. */
export async function runDoctorCommand(options: { config?: string; live: boolean }): Promise<number> {
  const results = await runDoctor({ configPath: options.config, live: options.live });
  process.stdout.write(formatReport(results));
  return results.every((result) => result.ok) ? 0 : 1;
}
