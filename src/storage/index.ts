export { openDatabase, usePgliteTemplate, type Database, type DatabaseLocation } from './database.js';
export { migrateToLatest } from './migrate.js';
export { acquireDirLock, DataDirLockedError, lockHolder } from './lock-file.js';
export { PGliteDialect } from './pglite-dialect.js';
export { openPglite, pgliteThread, type PgliteClient, type PgliteThread } from './pglite-client.js';
export type { HubDatabase } from './hub-database.js';
export { freshReads } from './fresh-reads.js';
