import type { PermitPosition, PermitQuery } from '../core/contract.js';
import { compileDateLayout, type DateLayout } from '../core/local-date-format.js';
import { fixedZone, type FixedZone } from '../core/time-zone.js';
import type { Params } from './rest-client.js';
import { formatOf, type RestSpec } from './rest-spec.js';

/** What the API is asked to filter on, in the system's terms; date bounds as instants, already rounded to what the API can say. */
export interface ApiFilter {
  applicants?: string[];
  statuses?: string[];
  serviceItems?: string[];
  from?: number;
  to?: number;
}

/**
 * A query in the API's terms. `exact`: the API selects exactly the query's rows (its total is the
 * query's); otherwise `filter` selects a superset and the rest is done in memory over all of it.
 * `scoped`: an applicant-scoped query that can share one request with others of its batch.
 */
export interface Plan {
  filter: ApiFilter;
  exact: boolean;
  scoped: boolean;
  /** The keyset token of the query's `after`, when the API pages by keyset and can express it. */
  after?: string;
}

type Unit = 'day' | 'hour' | 'minute' | 'second';
const UNIT_MS: Record<Unit, number> = { day: 86_400_000, hour: 3_600_000, minute: 60_000, second: 1000 };

/**
 * Plans permit queries for the API a spec declares: which filters can be sent (declared, each value
 * sendable), date bounds rounded exactly when the stored times are no finer than the parameter's
 * layout (else to a superset), and the keyset token of a position when it can be written.
 *
 * @example
 * const planner = permitQueryPlanner(spec);
 * planner.plan({ rawStatusIn: ['40'], limit: 21 }); // { filter: { statuses: ['40'] }, exact: true, scoped: false }
 * planner.params(plan.filter); // [['status', { list: ['40'], separator: ',' }]]
 */
export function permitQueryPlanner(spec: Pick<RestSpec, 'permits' | 'timeZone'>) {
  const filters = spec.permits.filters;
  const separator = filters?.separator ?? ',';
  const zone = fixedZone(spec.timeZone);
  const accepts = (name: 'applicants' | 'statuses' | 'serviceItems') => {
    const pattern = filters?.[name]?.accepts;
    return pattern === undefined ? null : new RegExp(pattern, 'u');
  };
  const lists = {
    applicants: { param: filters?.applicants?.param, accepts: accepts('applicants') },
    statuses: { param: filters?.statuses?.param, accepts: accepts('statuses') },
    serviceItems: { param: filters?.serviceItems?.param, accepts: accepts('serviceItems') },
  };
  // Stored times are at the resolution of the field's layout; without one, at whole seconds (what the
  // common layouts read).
  const appliedFormat = formatOf(spec.permits.fields.appliedAt);
  const storedUnit: Unit = appliedFormat ? unitOf(compileDateLayout(appliedFormat)) : 'second';
  const dates = {
    from: filters?.appliedFrom && { param: filters.appliedFrom.param, layout: compileDateLayout(filters.appliedFrom.format) },
    to: filters?.appliedTo && { param: filters.appliedTo.param, layout: compileDateLayout(filters.appliedTo.format) },
  };
  const paging = spec.permits.paging;
  const keyset = paging.style === 'keyset' && paging.token !== undefined ? keysetWriter(paging.token, paging.format ?? appliedFormat, zone) : null;

  /** Values the API can take in a list: none blank or padded, none holding the separator, all accepted. */
  const sendable = (values: readonly string[], accept: RegExp | null) =>
    values.every((v) => v !== '' && v === v.trim() && !v.includes(separator) && (accept === null || accept.test(v)));

  const bound = (iso: string, side: 'from' | 'to'): { ms: number; exact: boolean } | null => {
    const date = dates[side];
    if (!date) return null;
    const ms = Date.parse(iso);
    const unit = unitOf(date.layout);
    const exact = UNIT_MS[storedUnit] >= UNIT_MS[unit];
    // Exact: every stored time sits on the parameter's grid, so the first grid point at or after
    // `from` (the last at or before `to`) selects the same rows. Otherwise round outwards: a superset.
    const inwards = side === 'from' ? ceil : floor;
    const outwards = side === 'from' ? floor : ceil;
    return { ms: (exact ? inwards : outwards)(ms, unit, zone), exact };
  };

  return {
    /** The query in the API's terms, or null when it matches nothing (an empty list, crossed bounds). */
    plan(q: PermitQuery): Plan | null {
      const filter: ApiFilter = {};
      let exact = true;
      let scoped = false;
      for (const name of ['applicants', 'statuses', 'serviceItems'] as const) {
        const asked = name === 'applicants' ? q.applicantLocalIds : name === 'statuses' ? q.rawStatusIn : q.serviceItemCodes;
        if (asked === undefined) continue;
        const values = [...new Set(asked)];
        if (values.length === 0) return null;
        const list = lists[name];
        if (list.param !== undefined && sendable(values, list.accepts)) filter[name] = values;
        else exact = false;
        if (name === 'applicants') scoped = filter.applicants !== undefined || list.param === undefined;
      }
      // No API has "status not in" here: applied in memory.
      if (q.rawStatusNotIn && q.rawStatusNotIn.length > 0) exact = false;
      if (q.appliedFrom !== undefined && q.appliedTo !== undefined && Date.parse(q.appliedFrom) > Date.parse(q.appliedTo)) return null;
      for (const side of ['from', 'to'] as const) {
        const iso = side === 'from' ? q.appliedFrom : q.appliedTo;
        if (iso === undefined) continue;
        const b = bound(iso, side);
        if (b === null) exact = false;
        else {
          filter[side] = b.ms;
          if (!b.exact) exact = false;
        }
      }
      if (filter.from !== undefined && filter.to !== undefined && filter.from > filter.to) return null;
      const plan: Plan = { filter, exact, scoped };
      if (q.after && keyset) {
        const token = keyset(q.after);
        if (token === null) plan.exact = false;
        else plan.after = token;
      }
      return plan;
    },

    /** One filter selecting every row of several scoped plans: lists united, the widest bounds. */
    union(all: readonly ApiFilter[]): ApiFilter {
      const out: ApiFilter = {};
      for (const name of ['applicants', 'statuses', 'serviceItems'] as const) {
        if (all.every((f) => f[name])) out[name] = [...new Set(all.flatMap((f) => f[name]!))];
      }
      if (all.every((f) => f.from !== undefined)) out.from = Math.min(...all.map((f) => f.from!));
      if (all.every((f) => f.to !== undefined)) out.to = Math.max(...all.map((f) => f.to!));
      return out;
    },

    /** The filter as query parameters, in the spec's names and layouts. */
    params(filter: ApiFilter): Params {
      const out: Array<[string, Params[number][1]]> = [];
      for (const name of ['applicants', 'statuses', 'serviceItems'] as const) {
        const values = filter[name];
        if (values) out.push([lists[name].param!, { list: values, separator }]);
      }
      if (filter.from !== undefined) out.push([dates.from!.param, dates.from!.layout.write(zone.clockOf(filter.from))]);
      if (filter.to !== undefined) out.push([dates.to!.param, dates.to!.layout.write(zone.clockOf(filter.to))]);
      return out;
    },
  };
}

export type PermitQueryPlanner = ReturnType<typeof permitQueryPlanner>;

/**
 * The keyset token of a query position, or null when the token cannot say it: a position without a
 * date, or one between the layout's grid points (no stored row can be there, but the API cannot be
 * asked for it).
 */
function keysetWriter(template: string, format: string | undefined, zone: FixedZone): (position: PermitPosition) => string | null {
  const layout = format === undefined ? null : compileDateLayout(format);
  return (position) => {
    let applied = '';
    if (template.includes('{appliedAt}')) {
      if (position.appliedAt === null || layout === null) return null;
      const ms = Date.parse(position.appliedAt);
      applied = layout.write(zone.clockOf(ms));
      const back = layout.read(applied);
      if (back === null || zone.epochOf(back) !== ms) return null;
    }
    return fillTemplate(template, { appliedAt: applied, key: position.localId });
  };
}

/** A token template with its `{name}` placeholders filled. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([^{}]+)\}/g, (_, name: string) => values[name] ?? '');
}

/** The finest unit a layout writes, found by writing a probe and reading it back. */
function unitOf(layout: DateLayout): Unit {
  const back = layout.read(layout.write({ year: 2001, month: 2, day: 3, hour: 4, minute: 5, second: 6 }));
  if (back === null || back.second === 6) return 'second';
  return back.minute === 5 ? 'minute' : back.hour === 4 ? 'hour' : 'day';
}

const mod = (a: number, n: number) => ((a % n) + n) % n;

/** The last grid point at or before `ms` in the zone's local time. */
function floor(ms: number, unit: Unit, zone: FixedZone): number {
  const shift = zone.offsetMinutes * 60_000;
  return ms - mod(ms + shift, UNIT_MS[unit]);
}

function ceil(ms: number, unit: Unit, zone: FixedZone): number {
  const down = floor(ms, unit, zone);
  return down === ms ? ms : down + UNIT_MS[unit];
}
