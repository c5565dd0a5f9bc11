// Writes docs/department-spec.schema.json: the JSON Schema of a department spec, one branch per
// adapter kind, generated from the zod schemas the hub itself checks specs with (so they cannot differ).
import { writeFileSync } from 'node:fs';
import { departmentSpecJsonSchema } from '../src/adapters/spec/json-schema.js';
import { adapterKinds } from '../src/adapters/kinds.js';

const path = new URL('../docs/department-spec.schema.json', import.meta.url);
writeFileSync(path, `${JSON.stringify(departmentSpecJsonSchema(adapterKinds), null, 2)}\n`);
process.stdout.write(`wrote ${path.pathname}\n`);
