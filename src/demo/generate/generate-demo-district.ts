import { mulberry32 } from '../../schema/identifiers/index.js';
import { isoDate } from './dates.js';
import { generateDisclosureItems } from './disclosure-items.js';
import { generateEntities } from './entities.js';
import { generateHealth } from './health.js';
import { generateHousing } from './housing.js';
import { generateMarket } from './market.js';
import { DEMO_TODAY } from './permit-drafts.js';
import { Random } from './random.js';
import { CATALOGUE_DEPARTMENTS, publishedServiceItems } from './service-items.js';
import type { DemoDistrict, TrueApplicant } from './types.js';

/** Counts at scale 1; every count is multiplied by `scale`. */
export const SCALE_1 = {
  applicants: 1500,
  marketPermits: 2300,
  housingPermits: 1100,
  healthPermits: 1600,
  disclosureItems: 200,
  /** Deliberately broken rows in the health export. */
  healthBadRows: 3,
} as const;

export interface GenerateOptions {
  /** Default 20201204 (the date of the bureau's annual report). */
  seed?: number;
  /** Multiplies all counts; default 1 (≈1,500 applicants, ≈5,000 permits). */
  scale?: number;
}

// Each part draws from its own stream, so changing how one department is generated does not
// reshuffle the others' data for the same seed.
function stream(seed: number, part: number): Random {
  return new Random(mulberry32((seed ^ Math.imul(part, 0x9e3779b9)) | 0));
}

/**
 * Generates the demo district in memory: true applicants, the three departments' legacy records
 * (with the identifier and naming habits of each system), the bureau's catalogue, and the ground
 * truth linking every local applicant record to its true applicant. Deterministic in `seed`.
 *
 * @example
 * const district = generateDemoDistrict({ seed: 1 });
 * district.market.permits.length;  // ≈ 2,300
 * district.truth.filter((t) => t.entityId === 42); // every department record of applicant 42
 */
export function generateDemoDistrict(opts: GenerateOptions = {}): DemoDistrict {
  const seed = opts.seed ?? 20201204;
  const scale = opts.scale ?? 1;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`generateDemoDistrict: scale must be > 0, got ${scale}`);
  const n = (base: number): number => Math.max(1, Math.round(base * scale));

  const drafts = generateEntities(stream(seed, 1), n(SCALE_1.applicants));
  const market = generateMarket(stream(seed, 2), drafts, n(SCALE_1.marketPermits));
  const housing = generateHousing(stream(seed, 3), drafts, n(SCALE_1.housingPermits));
  const health = generateHealth(stream(seed, 4), drafts, n(SCALE_1.healthPermits), Math.max(2, Math.round(SCALE_1.healthBadRows * scale)));

  const entities: TrueApplicant[] = drafts.map(({ sector: _s, departments: _d, ...entity }) => entity);
  return {
    seed,
    scale,
    today: isoDate(DEMO_TODAY),
    entities,
    truth: [...market.truth, ...housing.truth, ...health.truth],
    market: { statusCodes: market.statusCodes, applicants: market.applicants, permits: market.permits },
    housing: { units: housing.units, permits: housing.permits },
    health: { applicants: health.applicants, permits: health.permits },
    catalogue: {
      departments: CATALOGUE_DEPARTMENTS.map((d) => ({ ...d })),
      serviceItems: publishedServiceItems(),
      disclosureItems: generateDisclosureItems(stream(seed, 5), n(SCALE_1.disclosureItems)),
    },
  };
}
