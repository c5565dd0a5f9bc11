import { decodeGlobalId } from '../../schema/index.js';
import type { RowFacts } from './request-governance.js';

/**
 * For each type that carries governed fields: what the gateway must fetch alongside any of its fields
 * (stitching adds the selection set to the subgraph request) and how that tells whose data a row is.
 * A type with `@share` fields but no entry here fails at start-up: governance never guesses an owner.
 */
export const GOVERNED_TYPES: Record<string, { selectionSet: string; facts(source: any): RowFacts }> = {
  Permit: {
    selectionSet: '{ id }',
    facts(permit: { id?: string }) {
      const key = permit.id ? decodeGlobalId(permit.id)?.key : undefined;
      const department = key?.slice(0, key.indexOf(':'));
      return department ? { owners: [department], person: false, recordKeys: [key!] } : UNKNOWN_ROW;
    },
  },
  Applicant: {
    selectionSet: '{ id kind _recordKeys }',
    facts(applicant: { id?: string; kind?: string; _recordKeys?: string[] }) {
      const recordKeys = applicant._recordKeys ?? [];
      const owners = [...new Set(recordKeys.map((k) => k.slice(0, k.indexOf(':'))))];
      // An applicant whose kind is unknown is treated as a person: the stricter class applies.
      const applicantId = applicant.id ? decodeGlobalId(applicant.id)?.key : undefined;
      return { owners, person: applicant.kind !== 'ORGANIZATION', recordKeys, ...(applicantId ? { applicantId } : {}) };
    },
  },
  Identifier: {
    selectionSet: '{ _recordKeys _personal }',
    facts(identifier: { _recordKeys?: string[]; _personal?: boolean }) {
      const recordKeys = identifier._recordKeys ?? [];
      return { owners: [...new Set(recordKeys.map((k) => k.slice(0, k.indexOf(':'))))], person: identifier._personal !== false, recordKeys };
    },
  },
  ApplicantRecord: {
    selectionSet: '{ _key _personal }',
    facts(record: { _key?: string; _personal?: boolean }) {
      if (!record._key) return UNKNOWN_ROW;
      return { owners: [record._key.slice(0, record._key.indexOf(':'))], person: record._personal !== false, recordKeys: [record._key] };
    },
  },
};

/** A row the gateway cannot attribute: no department owns it, so only OPEN non-personal data passes. */
const UNKNOWN_ROW: RowFacts = { owners: [], person: true, recordKeys: [] };
