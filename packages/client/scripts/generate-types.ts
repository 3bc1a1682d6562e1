// Writes src/generated/openapi.ts from the server's OpenAPI document (run after building the server).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GENERATED_TYPES_PATH, generateOpenApiTypes } from './openapi-types.js';

mkdirSync(dirname(GENERATED_TYPES_PATH), { recursive: true });
writeFileSync(GENERATED_TYPES_PATH, await generateOpenApiTypes());
console.log(`wrote ${GENERATED_TYPES_PATH}`);
