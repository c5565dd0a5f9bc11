import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays, importYearCalendar, seedBuiltInCalendars } from '../../src/subgraphs/catalogue/working-day-calendar.js';
import { migrateToLatest, type Database, type HubDatabase } from '../../src/storage/index.js';
import { backends } from '../support/databases.js';

for (const backend of backends) {
  describe(`working-day calendar on ${backend.name}`, () => {
    let database: Database<HubDatabase>;
    beforeAll(async () => {
      database = await backend.open<HubDatabase>();
      await migrateToLatest(database.db);
      await seedBuiltInCalendars(database.db);
    });
    afterAll(() => database.close());

    it('skips weekends and public holidays and counts make-up working days', async () => {
      expect(await addWorkingDays(database.db, '2024-06-07', 1)).toBe('2024-06-11'); // Fri → Mon 10 is 端午 → Tue
      expect(await addWorkingDays(database.db, '2024-09-27', 1)).toBe('2024-09-29'); // Sunday worked (调休)
      expect(await addWorkingDays(database.db, '2024-09-30', 1)).toBe('2024-10-08'); // National Day week
      expect(await addWorkingDays(database.db, '2025-01-24', 10)).toBe('2025-02-13'); // across 春节: Sun 26 Jan and Sat 8 Feb are worked
    });

    it('imports a year as data, replacing that year only', async () => {
      await importYearCalendar(database.db, { year: 2030, source: 'test notice', holidays: ['2030-01-01'], workdays: [] });
      expect(await addWorkingDays(database.db, '2029-12-31', 1)).toBe('2030-01-02');
      expect(await addWorkingDays(database.db, '2024-06-07', 1)).toBe('2024-06-11');
      await expect(importYearCalendar(database.db, { year: 2030, source: 'x', holidays: ['2031-01-01'], workdays: [] })).rejects.toThrow(/outside 2030/);
    });
  });
}
