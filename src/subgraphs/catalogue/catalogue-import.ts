import type { Kysely } from 'kysely';
import type { PowerCategory, DisclosureMode } from '../../schema/model.js';
import type { HubDatabase } from '../../storage/index.js';
import { disclosureTokenColumns } from './full-text.js';

export interface CatalogueData {
  departments?: Array<{ code: string; name: string }>;
  serviceItems: Array<{
    code: string;
    name: string;
    departmentCode: string;
    category: PowerCategory;
    statutoryDays: number | null;
    committedDays: number | null;
    instant: boolean;
    legalBasis?: string | null;
  }>;
  disclosureItems: Array<{ id: string; title: string; category: string; publisherCode: string; publishedAt: string; body: string; mode: DisclosureMode }>;
}

/**
 * Loads (or reloads) the bureau's catalogue into the hub database; rows are upserted by key, so running
 * it twice changes nothing. Department names update registry rows that exist; new codes are not added here.
 *
 * @example
 * await importCatalogue(db, JSON.parse(await readFile('catalogue.json', 'utf8')));
 */
export async function importCatalogue(db: Kysely<HubDatabase>, data: CatalogueData): Promise<{ serviceItems: number; disclosureItems: number }> {
  await db.transaction().execute(async (tx) => {
    for (const d of data.departments ?? []) await tx.updateTable('departments').set({ name: d.name }).where('code', '=', d.code).execute();
    for (let i = 0; i < data.serviceItems.length; i += 500) {
      await tx
        .insertInto('service_items')
        .values(
          data.serviceItems.slice(i, i + 500).map((s) => ({
            code: s.code,
            name: s.name,
            department_code: s.departmentCode,
            category: s.category,
            statutory_days: s.statutoryDays,
            committed_days: s.committedDays,
            instant: s.instant,
            legal_basis: s.legalBasis ?? null,
          })),
        )
        .onConflict((oc) =>
          oc.column('code').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            department_code: eb.ref('excluded.department_code'),
            category: eb.ref('excluded.category'),
            statutory_days: eb.ref('excluded.statutory_days'),
            committed_days: eb.ref('excluded.committed_days'),
            instant: eb.ref('excluded.instant'),
            legal_basis: eb.ref('excluded.legal_basis'),
          })),
        )
        .execute();
    }
    for (let i = 0; i < data.disclosureItems.length; i += 500) {
      await tx
        .insertInto('disclosure_items')
        .values(
          data.disclosureItems.slice(i, i + 500).map((d) => ({
            id: d.id,
            title: d.title,
            category: d.category,
            publisher_code: d.publisherCode,
            published_at: new Date(d.publishedAt),
            body: d.body,
            mode: d.mode,
            ...disclosureTokenColumns(d),
          })),
        )
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            title: eb.ref('excluded.title'),
            category: eb.ref('excluded.category'),
            publisher_code: eb.ref('excluded.publisher_code'),
            published_at: eb.ref('excluded.published_at'),
            body: eb.ref('excluded.body'),
            mode: eb.ref('excluded.mode'),
            title_tokens: eb.ref('excluded.title_tokens'),
            body_tokens: eb.ref('excluded.body_tokens'),
          })),
        )
        .execute();
    }
  });
  return { serviceItems: data.serviceItems.length, disclosureItems: data.disclosureItems.length };
}
