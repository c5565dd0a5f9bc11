// Rewrites src/schema/unified.graphql from the subgraphs' SDL; commit the result so schema changes show in review.
import { writeFileSync } from 'node:fs';
import { printUnifiedSchema } from '../src/gateway/compose/unified-schema.js';

writeFileSync(new URL('../src/schema/unified.graphql', import.meta.url), await printUnifiedSchema(['health', 'housing', 'market']));
process.stderr.write('wrote src/schema/unified.graphql\n');
