import { csvKind } from './csv/index.js';
import { restKind } from './rest/index.js';
import type { KindRegistry } from './spec/parse-spec.js';
import { sqlKind } from './sql/index.js';

/**
 * The adapter kinds the hub ships, by the `kind` a department spec names. A department on a supported
 * kind of system is a spec (data), not code; a new kind is a folder beside this file and one line here.
 */
export const adapterKinds: KindRegistry = {
  sql: sqlKind,
  rest: restKind,
  csv: csvKind,
};
