import { parseIdentifier } from '../schema/identifiers/index.js';
import type { ApplicantRecord } from '../schema/model.js';
import type { ResolutionRecord } from './types.js';

/**
 * The resolver's view of a hub applicant record. A record may hold several identifier-looking values;
 * the first that validates is used (else the first one, as broken or junk evidence).
 *
 * @example
 * fromApplicantRecord({ department: 'market', localId: '7', kind: 'ORGANIZATION', name: '某某有限公司',
 *   identifiers: [{ value: '91350200776049653A', claimedType: 'USCC' }], phone: null, address: null });
 */
export function fromApplicantRecord(r: ApplicantRecord & { department: string }): ResolutionRecord {
  const chosen = r.identifiers.find((i) => parseIdentifier(i.value).length > 0) ?? r.identifiers[0];
  return {
    source: r.department,
    localId: r.localId,
    kind: r.kind,
    name: r.name,
    idType: chosen?.claimedType ?? null,
    idNumber: chosen?.value ?? null,
    phone: r.phone,
    address: r.address,
  };
}
