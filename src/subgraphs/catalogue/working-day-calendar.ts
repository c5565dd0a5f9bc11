import type { Kysely } from 'kysely';
import type { HubDatabase } from '../../storage/index.js';

/** One year's exceptions to the weekday rule, as the State Council's annual notice announces them. */
export interface YearCalendar {
  year: number;
  /** Source notice, e.g. 国办发明电〔2023〕7号. */
  source: string;
  /** Public holidays (dates off, whatever the weekday). */
  holidays: string[];
  /** Make-up working days (调休): weekend dates that are worked. */
  workdays: string[];
}

const range = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) out.push(d.toISOString().slice(0, 10));
  return out;
};

/**
 * The demo years' calendars (国务院办公厅 annual holiday notices). Later years are imported as data with
 * `huitong calendar import FILE`, since the notice comes out each November.
 */
export const builtInCalendars: readonly YearCalendar[] = [
  {
    year: 2023,
    source: '国办发明电〔2022〕16号',
    holidays: [
      '2023-01-02',
      ...range('2023-01-21', '2023-01-27'),
      '2023-04-05',
      ...range('2023-04-29', '2023-05-03'),
      ...range('2023-06-22', '2023-06-24'),
      ...range('2023-09-29', '2023-10-06'),
    ],
    workdays: ['2023-01-28', '2023-01-29', '2023-04-23', '2023-05-06', '2023-06-25', '2023-10-07', '2023-10-08'],
  },
  {
    year: 2024,
    source: '国办发明电〔2023〕7号',
    holidays: [
      '2024-01-01',
      ...range('2024-02-10', '2024-02-17'),
      ...range('2024-04-04', '2024-04-06'),
      ...range('2024-05-01', '2024-05-05'),
      '2024-06-10',
      ...range('2024-09-15', '2024-09-17'),
      ...range('2024-10-01', '2024-10-07'),
    ],
    workdays: ['2024-02-04', '2024-02-18', '2024-04-07', '2024-04-28', '2024-05-11', '2024-09-14', '2024-09-29', '2024-10-12'],
  },
  {
    year: 2025,
    source: '国办发明电〔2024〕12号',
    holidays: [
      '2025-01-01',
      ...range('2025-01-28', '2025-02-04'),
      ...range('2025-04-04', '2025-04-06'),
      ...range('2025-05-01', '2025-05-05'),
      ...range('2025-05-31', '2025-06-02'),
      ...range('2025-10-01', '2025-10-08'),
    ],
    workdays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  },
];

/**
 * Stores one year's exceptions, replacing what the table held for that year.
 *
 * @example
 * await importYearCalendar(db, { year: 2026, source: '…', holidays: ['2026-01-01'], workdays: [] });
 */
export async function importYearCalendar(db: Kysely<HubDatabase>, calendar: YearCalendar): Promise<void> {
  const inYear = (d: string) => d.startsWith(`${calendar.year}-`) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`));
  const bad = [...calendar.holidays, ...calendar.workdays].filter((d) => !inYear(d));
  if (bad.length) throw new Error(`dates outside ${calendar.year} or invalid: ${bad.slice(0, 3).join(', ')}`);
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('working_days').where('day', '>=', `${calendar.year}-01-01`).where('day', '<=', `${calendar.year}-12-31`).execute();
    const rows = [
      ...calendar.holidays.map((day) => ({ day, working: false, note: calendar.source })),
      ...calendar.workdays.map((day) => ({ day, working: true, note: `${calendar.source} 调休` })),
    ];
    if (rows.length) await tx.insertInto('working_days').values(rows).execute();
  });
}

/** Seeds the built-in years that are not in the table yet. */
export async function seedBuiltInCalendars(db: Kysely<HubDatabase>): Promise<void> {
  for (const calendar of builtInCalendars) {
    const present = await db
      .selectFrom('working_days')
      .select('day')
      .where('day', '>=', `${calendar.year}-01-01`)
      .where('day', '<=', `${calendar.year}-12-31`)
      .limit(1)
      .execute();
    if (present.length === 0) await importYearCalendar(db, calendar);
  }
}

/**
 * The date `days` working days after `from` (a date string): weekends off, public holidays off, make-up
 * days on, as the calendar table says. Used for statutory deadlines such as "10 working days".
 *
 * @example
 * await addWorkingDays(db, '2024-09-27', 1); // '2024-09-29', a Sunday worked in exchange for the National Day holiday
 */
export async function addWorkingDays(db: Kysely<HubDatabase>, from: string, days: number): Promise<string> {
  const horizon = new Date(`${from}T00:00:00Z`);
  horizon.setUTCDate(horizon.getUTCDate() + days * 2 + 40);
  const exceptions = new Map(
    (
      await db.selectFrom('working_days').select(['day', 'working']).where('day', '>', from).where('day', '<=', horizon.toISOString().slice(0, 10)).execute()
    ).map((r) => [String(r.day).slice(0, 10), r.working]),
  );
  const date = new Date(`${from}T00:00:00Z`);
  for (let left = days; left > 0; ) {
    date.setUTCDate(date.getUTCDate() + 1);
    const day = date.toISOString().slice(0, 10);
    const weekday = date.getUTCDay();
    if (exceptions.get(day) ?? (weekday !== 0 && weekday !== 6)) left--;
  }
  return date.toISOString().slice(0, 10);
}
