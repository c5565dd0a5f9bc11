import type { AdapterFactory } from '../core/contract.js';
import { HealthExportConnector } from './connector.js';
import { healthMapper } from './mapper.js';

/**
 * The health department's system, as far as the hub sees it: nightly GB18030 CSV exports in
 * `connection.dir` (`HUITONG_HEALTH_EXPORT_DIR`). Loading the newest export starts at once, so the first
 * call does not wait for a large file; a missing directory or export is reported by calls, not here.
 *
 * @example
 * const adapter = await createHealthAdapter({ department: 'health', connection: { dir: '/srv/exports/health' } });
 */
export const createHealthAdapter: AdapterFactory = async ({ connection }) => {
  const dir = typeof connection.dir === 'string' ? connection.dir.trim() : '';
  if (!dir) throw new Error('health adapter needs connection.dir (HUITONG_HEALTH_EXPORT_DIR)');
  const connector = new HealthExportConnector(dir);
  connector.warm();
  return { connector, mapper: healthMapper };
};

export { healthMapper, healthDate } from './mapper.js';
export { HealthExportConnector, type ExportFs, type HealthBadRecord, type HealthConnectorOptions } from './connector.js';
export { healthStatusCodes } from './status-codes.js';
export {
  HEALTH_COLUMNS,
  type HealthApplicantRow,
  type HealthPermitRecord,
  type HealthPermitRow,
  type HealthUnreadableRow,
} from './legacy-types.js';
