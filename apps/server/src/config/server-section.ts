import { z } from 'zod';
import { formatIssues } from './format-issues.js';

// Stand-in until the server's own schema is in place.
const serverSectionSchema = z.object({
  claude: z.record(z.string(), z.unknown()).optional(),
  projects: z.record(z.string(), z.object({ path: z.string() })).optional(),
  default_project: z.string().optional(),
  auth: z.unknown().optional(),
  limits: z.unknown().optional(),
  tasks: z.unknown().optional(),
  cors: z.unknown().optional(),
  log: z.object({ level: z.string().optional(), include_content: z.boolean().optional() }).optional(),
});

export type ServerSection = z.output<typeof serverSectionSchema>;

/** The top-level keys the server's options accept (besides the app's own). */
export function serverSectionKeys(): string[] {
  return Object.keys(serverSectionSchema.shape);
}

/** Validates the part of the config that becomes `createServer`'s options. */
export function validateServerSection(
  input: Record<string, unknown>,
): { success: true; data: ServerSection } | { success: false; problems: string[] } {
  const parsed = serverSectionSchema.safeParse(input);
  if (parsed.success) return { success: true, data: parsed.data };
  return { success: false, problems: formatIssues(parsed.error.issues) };
}
