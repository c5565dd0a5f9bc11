import { compileDateLayout, type DateLayout } from '../core/local-date-format.js';
import { applicantSourceFields, permitSourceFields, type SourceField } from '../spec/fields.js';
import { didYouMean, type SpecIssue } from '../spec/spec-issue.js';
import type { Catalog, ColumnInfo, TableInfo } from './sql-catalog.js';
import type { SqlSpec, SqlTableAt } from './sql-spec.js';

/** One column read per record, handed over under its unified name (`appliedAt`, `identifiers.0.value` …). */
export interface SelectedColumn {
  alias: string;
  column: ColumnInfo;
}

export interface EntityPlan {
  schema: string;
  table: string;
  select: SelectedColumn[];
  key: ColumnInfo;
}

/** How appliedAt is stored, which decides how instants are written for filters and positions. */
export interface AppliedAtPlan {
  column: ColumnInfo;
  /** A native date or time column, or text / integer digits in a declared, sortable layout. */
  store: 'native' | 'text' | 'integer';
  layout: DateLayout | null;
  /** The finest unit the store holds: values are compared at it. */
  unit: 'day' | 'hour' | 'minute' | 'second';
}

/** Everything the statements need, resolved against the database's catalogue. */
export interface SqlPlan {
  flavour: Catalog['flavour'];
  permits: EntityPlan & { applicant?: ColumnInfo; status: ColumnInfo; serviceItem?: ColumnInfo; appliedAt?: AppliedAtPlan };
  applicants: EntityPlan;
}

/** The oldest servers whose SQL the statements use (binary no-pad collations, parenthesised unions). */
const MINIMUM = { postgres: [12], mariadb: [10, 4], mysql: [8, 0, 17] } as const;

/**
 * Checks a spec against the database's catalogue — every table and column it names exists, date
 * columns can be ordered and compared in SQL, the server is recent enough — and resolves it into the
 * plan statements are built from. Issues carry the spec path and, where a near name exists, the fix.
 *
 * @example
 * const { issues } = planSpec(spec, catalog);
 * // [{ path: 'permits.fields.status', message: 'no column "zt" in table xkz', hint: 'did you mean "zt_dm"?' }]
 */
export function planSpec(spec: SqlSpec, catalog: Catalog): { issues: SpecIssue[]; plan: SqlPlan | null } {
  const issues: SpecIssue[] = [];
  const minimum = MINIMUM[catalog.flavour];
  if (olderThan(catalog.version, minimum)) {
    issues.push({
      path: 'connection.url',
      message: `the server is ${catalog.flavour} ${catalog.version.split('-')[0]}; the sql kind needs ${catalog.flavour} ${minimum.join('.')} or later`,
    });
  }
  const permits = resolveEntity('permits', spec.permits, permitSourceFields(spec), catalog, issues);
  const applicants = resolveEntity('applicants', spec.applicants, applicantSourceFields(spec), catalog, issues);
  let appliedAt: AppliedAtPlan | undefined;
  if (permits) {
    for (const name of ['appliedAt', 'decidedAt', 'validUntil'] as const) {
      const field = spec.permits.fields[name];
      const column = permits.select.find((s) => s.alias === name)?.column;
      if (field === undefined || column === undefined) continue;
      const format = typeof field === 'object' ? field.format : undefined;
      const plan = dateColumn(name, column, format, `permits.fields.${name}`, permits.table, issues);
      if (name === 'appliedAt' && plan) appliedAt = plan;
    }
  }
  if (issues.length > 0 || !permits || !applicants) return { issues, plan: null };
  const column = (alias: string) => permits.select.find((s) => s.alias === alias)?.column;
  return {
    issues,
    plan: {
      flavour: catalog.flavour,
      permits: {
        ...permits,
        status: column('status')!,
        ...(column('applicant') ? { applicant: column('applicant')! } : {}),
        ...(column('serviceItem') ? { serviceItem: column('serviceItem')! } : {}),
        ...(appliedAt ? { appliedAt } : {}),
      },
      applicants,
    },
  };
}

function resolveEntity(
  entity: 'permits' | 'applicants',
  at: SqlTableAt,
  fields: readonly SourceField[],
  catalog: Catalog,
  issues: SpecIssue[],
): EntityPlan | null {
  const schema = at.schema ?? catalog.defaultSchema;
  if (schema === null) {
    issues.push({
      path: `${entity}.schema`,
      message: catalog.flavour === 'postgres' ? 'no current schema: give schema' : 'the URL names no database: give schema (the database holding the table)',
    });
    return null;
  }
  const table = catalog.tables.get(`${schema}.${at.table}`);
  if (!table) {
    const names = catalog.names.get(schema) ?? [];
    const hint = didYouMean(at.table, names);
    const where = at.schema ? ` in schema ${at.schema}` : '';
    const why = names.length === 0 && at.schema ? ` (no schema "${at.schema}", or no privilege on it)` : '';
    issues.push({ path: `${entity}.table`, message: `no table or view "${at.table}"${where}${why}`, ...(hint ? { hint } : {}) });
    return null;
  }
  const select: SelectedColumn[] = [];
  for (const field of fields) {
    const column = findColumn(table, field.from, catalog.flavour !== 'postgres');
    if (column) {
      select.push({ alias: field.name, column });
      continue;
    }
    const hint = didYouMean(
      field.from,
      table.columns.map((c) => c.name),
    );
    issues.push({ path: field.path, message: `no column "${field.from}" in table ${table.name}`, ...(hint ? { hint } : {}) });
  }
  const key = select.find((s) => s.alias === 'key')?.column;
  return key && select.length === fields.length ? { schema, table: table.name, select, key } : null;
}

/** A column by the spec's name: exactly, or on MySQL (whose column names ignore case) in any case. */
function findColumn(table: TableInfo, name: string, anyCase: boolean): ColumnInfo | undefined {
  return table.columns.find((c) => c.name === name) ?? (anyCase ? table.columns.find((c) => c.name.toLowerCase() === name.toLowerCase()) : undefined);
}

function dateColumn(name: string, column: ColumnInfo, format: string | undefined, path: string, table: string, issues: SpecIssue[]): AppliedAtPlan | null {
  const native = column.kind === 'date' || column.kind === 'timestamp' || column.kind === 'timestamptz';
  if (native) {
    if (format !== undefined) {
      issues.push({
        path: `${path}.format`,
        message: `column ${column.name} of ${table} is a ${column.dataType} column, read as a date without a format: remove format`,
      });
      return null;
    }
    return { column, store: 'native', layout: null, unit: column.kind === 'date' ? 'day' : 'second' };
  }
  if (name !== 'appliedAt') return null; // other dates are only read, by the mapper, in any layout
  if (column.kind !== 'text' && column.kind !== 'integer') {
    issues.push({
      path,
      message: `column ${column.name} of ${table} is ${column.dataType}: appliedAt needs a date or timestamp column, or text or digits in a declared format`,
    });
    return null;
  }
  if (format === undefined) {
    issues.push({
      path,
      message: `column ${column.name} of ${table} is ${column.dataType}: give its layout as { from: ${column.name}, format: … } (a fixed-width layout with the year first, e.g. YYYYMMDD), since lists are ordered by it in SQL`,
    });
    return null;
  }
  const layout = compileDateLayout(format);
  if (!layout.sortable) return null; // refused by the spec schema already
  if (column.kind === 'integer' && !/^[YMDHms]+$/.test(format)) {
    issues.push({ path: `${path}.format`, message: `column ${column.name} of ${table} holds numbers: its format can only have digits (e.g. YYYYMMDD)` });
    return null;
  }
  const unit = format.includes('ss') ? 'second' : format.includes('mm') ? 'minute' : format.includes('H') ? 'hour' : 'day';
  return { column, store: column.kind, layout, unit };
}

function olderThan(version: string, minimum: readonly number[]): boolean {
  const parts = (/^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version) ?? []).slice(1).map((p) => Number(p ?? 0));
  if (parts.length === 0) return false;
  for (let i = 0; i < minimum.length; i++) {
    if ((parts[i] ?? 0) !== minimum[i]) return (parts[i] ?? 0) < minimum[i]!;
  }
  return false;
}
