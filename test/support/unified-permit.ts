import type { UnifiedPermit } from '../../src/schema/index.js';

/**
 * A mapped permit for tests of what lies above an adapter: the given fields, every other one empty.
 *
 * @example
 * mapper: { permit: (raw) => ({ ok: true, value: unifiedPermit({ localId: raw.id, title: 't' }) }) }
 */
export const unifiedPermit = (fields: Pick<UnifiedPermit, 'localId'> & Partial<UnifiedPermit>): UnifiedPermit => ({
  title: '',
  status: 'APPROVED',
  rawStatus: null,
  appliedAt: null,
  decidedAt: null,
  validUntil: null,
  serviceItemCode: null,
  applicantLocalId: null,
  statutoryDays: null,
  committedDays: null,
  actualDays: null,
  ...fields,
});
