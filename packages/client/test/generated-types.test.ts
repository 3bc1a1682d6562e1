import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { GENERATED_TYPES_PATH, generateOpenApiTypes } from '../scripts/openapi-types.js';

it('src/generated/openapi.ts is what the server describes now (else run npm run generate)', async () => {
  const committed = readFileSync(new URL(`../${GENERATED_TYPES_PATH}`, import.meta.url), 'utf8');
  expect(committed, 'the generated types are out of date: build the server, then npm run generate').toBe(
    await generateOpenApiTypes(),
  );
});
