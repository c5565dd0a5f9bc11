import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import * as hubFoundation from './migrations/2026-11-26T0800-hub-foundation.js';
import * as consumers from './migrations/2026-11-26T0900-consumers.js';
import * as identityStewardship from './migrations/2026-11-26T1100-identity-stewardship.js';
import * as auditLog from './migrations/2026-11-26T1000-audit-log.js';
import * as governance from './migrations/2026-11-26T1200-governance.js';
import * as governanceWorkflow from './migrations/2026-11-26T1300-governance-workflow.js';
import * as applicantRedirects from './migrations/2026-11-26T1400-applicant-redirects.js';
import * as auditRecordsUnchecked from './migrations/2026-11-26T1500-audit-records-unchecked.js';
import * as accessRequestPublicIds from './migrations/2026-11-27T0900-access-request-public-ids.js';
import * as departmentSpecs from './migrations/2026-12-03T0800-department-specs.js';
import * as identityClassification from './migrations/2026-12-03T0900-identity-classification.js';
import * as identityReviewEvidence from './migrations/2026-12-03T1200-identity-review-evidence.js';
import * as disclosureFullText from './migrations/2026-12-03T1500-disclosure-full-text.js';
import * as crosswalkVersion from './migrations/2026-12-03T1800-crosswalk-version.js';
import * as auditRecordsLeanIndex from './migrations/2026-12-03T1830-audit-records-lean-index.js';
import * as disclosureWordCounts from './migrations/2026-12-04T1700-disclosure-word-counts.js';
import * as auditRecordSets from './migrations/2026-12-05T2300-audit-record-sets.js';
import * as auditRecordIdsCollation from './migrations/2026-12-06T0200-audit-record-ids-c-collation.js';

// Listed statically (not read from disk) so the bundle knows them and the order is reviewed in a diff.
const migrations: Record<string, Migration> = {
  '2026-11-26T0800-hub-foundation': hubFoundation,
  '2026-11-26T0900-consumers': consumers,
  '2026-11-26T1000-audit-log': auditLog,
  '2026-11-26T1100-identity-stewardship': identityStewardship,
  '2026-11-26T1200-governance': governance,
  '2026-11-26T1300-governance-workflow': governanceWorkflow,
  '2026-11-26T1400-applicant-redirects': applicantRedirects,
  '2026-11-26T1500-audit-records-unchecked': auditRecordsUnchecked,
  '2026-11-27T0900-access-request-public-ids': accessRequestPublicIds,
  '2026-12-03T0800-department-specs': departmentSpecs,
  '2026-12-03T0900-identity-classification': identityClassification,
  '2026-12-03T1200-identity-review-evidence': identityReviewEvidence,
  '2026-12-03T1500-disclosure-full-text': disclosureFullText,
  '2026-12-03T1800-crosswalk-version': crosswalkVersion,
  '2026-12-03T1830-audit-records-lean-index': auditRecordsLeanIndex,
  '2026-12-04T1700-disclosure-word-counts': disclosureWordCounts,
  '2026-12-05T2300-audit-record-sets': auditRecordSets,
  '2026-12-06T0200-audit-record-ids-c-collation': auditRecordIdsCollation,
};

/**
 * Brings the hub database to the latest schema. Throws with the failing migration's name.
 *
 * @example
 * await migrateToLatest(db);
 */
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${(result.error as Error).message ?? result.error}`);
  }
  return result;
}

/**
 * The migrations not yet applied to a database, by name, in order (none when it is up to date).
 *
 * @example
 * if ((await pendingMigrations(db)).length) console.error('run huitong migrate');
 */
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  return (await migrator.getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name);
}
