import { z } from 'zod';
import type { KindRegistry } from './parse-spec.js';

/**
 * The published JSON Schema of a department spec: one `oneOf` branch per kind, from the same zod
 * schemas `parseSpec` checks with. Editors validate YAML against it as it is typed
 * (`# yaml-language-server: $schema=…`).
 *
 * @example
 * writeFileSync('department-spec.schema.json', JSON.stringify(departmentSpecJsonSchema(adapterKinds), null, 2));
 */
export function departmentSpecJsonSchema(kinds: KindRegistry): Record<string, unknown> {
  const branches = Object.values(kinds).map((kind) => z.toJSONSchema(kind.schema, { io: 'input', unrepresentable: 'any' }));
  for (const branch of branches) delete (branch as { $schema?: unknown }).$schema;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://huitong.example/department-spec.schema.json',
    title: 'Huitong department spec',
    description:
      'A department joins the hub with a spec: its kind of system, how to reach it, where its permits and applicants are, and what its codes mean. See docs/spec-reference.md.',
    oneOf: branches,
  };
}
