// The central copy served: the same HTTP stack as the hub and the monolith (startHttpServer: Apollo
// Server 5 on express 5) over the central database a loader filled (bench/central/load.ts).
import type { Logger } from '../../src/logging/logger.js';
import { openDatabase } from '../../src/storage/index.js';
import { startBaselineServer } from '../lib/baseline-server.js';
import type { CentralDatabase } from './central-database.js';
import { createCentralSchema } from './schema.js';

export interface RunningCentral {
  url: string;
  stop(): Promise<void>;
}

/**
 * Serves the central copy: a copy of the prepared template in a PGlite directory (one owner process) or
 * a PostgreSQL database.
 *
 * @example
 * const central = await startCentral({ database: { dir: 'bench/.data-5/targets/central/central' }, logger });
 */
export async function startCentral(options: { database: { dir: string } | { url: string }; logger: Logger }): Promise<RunningCentral> {
  const database = await openDatabase<CentralDatabase>(options.database);
  const departments = await database.db.selectFrom('departments').select('code').where('serves_permits', '=', true).orderBy('code').execute();
  const http = await startBaselineServer(
    createCentralSchema(
      database.db,
      departments.map((d) => d.code),
    ),
    options.logger,
  );
  return {
    url: `${http.url}/graphql`,
    async stop() {
      await http.stop();
      await database.close();
    },
  };
}
