// The `sql` adapter kind: departments whose approval system is a relational database; see README.md.
export { sqlKind, openSqlConnector, inspectSql, type OpenSqlOptions } from './sql-kind.js';
export { sqlSpec, type SqlSpec, type SqlConnection } from './sql-spec.js';
export { SqlConnector } from './sql-connector.js';
export { openSqlDatabase, type SqlDatabase } from './sql-database.js';
export { dialectOfUrl, describeUrl, hasPassword, type SqlDialect } from './sql-url.js';
