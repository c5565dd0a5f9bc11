import type { Kysely } from 'kysely';
import { badUserInput } from '../../schema/index.js';
import type { HubDatabase } from '../../storage/index.js';

/** Purpose codes are ASCII so they travel in an HTTP header (`x-purpose`); the catalogue holds the Chinese. */
export const PURPOSE_CODE = /^[A-Z][A-Z0-9_]{1,63}$/;

/** Whether a string has the shape of a purpose code (says nothing about the catalogue). */
export function isPurposeCode(code: unknown): code is string {
  return typeof code === 'string' && PURPOSE_CODE.test(code);
}

export interface Purpose {
  code: string;
  description: string;
}

/**
 * The demo district's purposes of use (用途). Each is a reason a department or portal gives for reading
 * another department's conditional data; the description is what an owning department reads.
 */
export const DEMO_PURPOSES: readonly Purpose[] = [
  { code: 'LICENSING_REVIEW', description: 'Reviewing a licensing application: checking the applicant’s permits and records elsewhere. 行政许可审查核验' },
  { code: 'JOINT_SUPERVISION', description: 'Joint inspection and supervision by several departments after licensing. 联合监管(事中事后监管)' },
  { code: 'SUBSIDY_ELIGIBILITY', description: 'Checking eligibility for a subsidy or benefit payment. 补贴资格核验' },
  { code: 'PORTAL_SERVICE', description: 'Serving an applicant who is signed in to the government service portal, on their own files. 政务服务门户办事' },
  { code: 'CREDIT_SUPERVISION', description: 'Credit-based supervision: rating and joint rewards and penalties. 信用监管' },
  { code: 'EMERGENCY_RESPONSE', description: 'Responding to a public-health or safety emergency. 突发事件应急处置' },
  { code: 'DISCLOSURE_REPLY', description: 'Answering a request for government information disclosure. 依申请公开答复' },
];

/**
 * Seeds the demo purposes that are not in the catalogue yet; a steward's later edits are kept.
 *
 * @example
 * await seedDemoPurposes(hub.db);
 */
export async function seedDemoPurposes(db: Kysely<HubDatabase>): Promise<void> {
  await db
    .insertInto('purposes')
    .values(DEMO_PURPOSES.map((p) => ({ code: p.code, description: p.description })))
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
}

/**
 * Whether a purpose code is in the catalogue. A code of the wrong shape is false without a query, so an
 * untrusted header value never reaches the database.
 *
 * @example
 * if (!(await purposeExists(db, request.headers['x-purpose']))) throw …;
 */
export async function purposeExists(db: Kysely<HubDatabase>, code: string | null | undefined): Promise<boolean> {
  if (!isPurposeCode(code)) return false;
  return (await db.selectFrom('purposes').select('code').where('code', '=', code).executeTakeFirst()) !== undefined;
}

/** Every purpose, by code. */
export async function listPurposes(db: Kysely<HubDatabase>): Promise<Purpose[]> {
  return db.selectFrom('purposes').select(['code', 'description']).orderBy('code').execute();
}

/**
 * Adds a purpose or changes its description. BAD_USER_INPUT for a code that is not ASCII
 * `^[A-Z][A-Z0-9_]{1,63}$` or an empty description.
 *
 * @example
 * await savePurpose(db, 'FOOD_SAFETY_RECALL', 'Tracing a food-safety recall. 食品安全召回追溯');
 */
export async function savePurpose(db: Kysely<HubDatabase>, code: string, description: string): Promise<Purpose> {
  if (!isPurposeCode(code))
    throw badUserInput('code must be 2–64 characters: an upper-case ASCII letter, then upper-case letters, digits or _', { argument: 'code' });
  const text = description.trim();
  if (text.length === 0 || text.length > 2000) throw badUserInput('description must be 1–2000 characters', { argument: 'description' });
  await db
    .insertInto('purposes')
    .values({ code, description: text })
    .onConflict((oc) => oc.column('code').doUpdateSet({ description: text }))
    .execute();
  return { code, description: text };
}

export interface PurposeCatalogue {
  /** Whether the code is in the catalogue, from a snapshot at most `ttlMs` old. */
  has(code: string | null | undefined): Promise<boolean>;
  /** The description of a code, or null. */
  describe(code: string): Promise<string | null>;
  /** Forget the snapshot; the next call reads the table. */
  invalidate(): void;
}

/**
 * A cached reader of the catalogue for the gateway, which checks the `x-purpose` of every request: one
 * query per `ttlMs` (default 30 s) however many requests, so a steward's new purpose is usable within that.
 *
 * @example
 * const purposes = createPurposeCatalogue(hub.db);
 * if (!(await purposes.has(purpose))) throw new GraphQLError('unknown purpose', …);
 */
export function createPurposeCatalogue(db: Kysely<HubDatabase>, options: { ttlMs?: number; now?: () => number } = {}): PurposeCatalogue {
  const ttlMs = options.ttlMs ?? 30_000;
  const now = options.now ?? Date.now;
  let snapshot: { at: number; purposes: Promise<Map<string, string>> } | null = null;
  const read = () => {
    if (!snapshot || now() - snapshot.at >= ttlMs) {
      const purposes = listPurposes(db).then((rows) => new Map(rows.map((r) => [r.code, r.description])));
      const taken = { at: now(), purposes };
      // A failed read must not stick: the next call tries again.
      purposes.catch(() => {
        if (snapshot === taken) snapshot = null;
      });
      snapshot = taken;
    }
    return snapshot.purposes;
  };
  return {
    has: async (code) => isPurposeCode(code) && (await read()).has(code),
    describe: async (code) => (isPurposeCode(code) ? ((await read()).get(code) ?? null) : null),
    invalidate: () => {
      snapshot = null;
    },
  };
}
