import { decodeGlobalId } from '../../schema/index.js';
import { HUB_ALIAS_PREFIX } from '../http/reserved-aliases.js';
import type { RowFacts } from './request-governance.js';

/** `_hub_name: name`: a fact fetched under a key no client alias may take (see reserved-aliases.ts). */
const fact = (field: string) => `${HUB_ALIAS_PREFIX}${field.replace(/^_/, '')}: ${field}`;
/** The key a fact comes back under. */
export const factKey = (field: string) => `${HUB_ALIAS_PREFIX}${field.replace(/^_/, '')}`;

const PERMIT_ID = factKey('id');
const APPLICANT = { id: factKey('id'), kind: factKey('kind'), recordKeys: factKey('_recordKeys') } as const;
const RECORD = { key: factKey('_key'), personal: factKey('_personal') } as const;

type Row = Record<string, unknown>;
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const ownersOf = (recordKeys: readonly string[]) => [...new Set(recordKeys.map((k) => k.slice(0, k.indexOf(':'))))];

/**
 * For each type that carries governed fields: what the gateway must fetch alongside any of its fields
 * (stitching adds the selection set to the subgraph request) and how that tells whose data a row is.
 * The facts come under reserved aliases (`_hub_id: id`), never under a key the client names, so an
 * alias such as `applicant { id: name }` cannot change what is decided or audited.
 * A type with `@share` fields but no entry here fails at start-up: governance never guesses an owner.
 */
export const GOVERNED_TYPES: Record<string, { selectionSet: string; facts(source: any): RowFacts }> = {
  Permit: {
    selectionSet: `{ ${fact('id')} }`,
    facts(permit: Row) {
      const id = permit[PERMIT_ID];
      const key = typeof id === 'string' ? decodeGlobalId(id)?.key : undefined;
      const department = key?.slice(0, key.indexOf(':'));
      return department ? { owners: [department], person: false, recordKeys: [key!] } : UNKNOWN_ROW;
    },
  },
  Applicant: {
    selectionSet: `{ ${fact('id')} ${fact('kind')} ${fact('_recordKeys')} }`,
    facts: applicantFacts,
  },
  Identifier: {
    selectionSet: `{ ${fact('_recordKeys')} ${fact('_personal')} }`,
    facts(identifier: Row) {
      const recordKeys = strings(identifier[APPLICANT.recordKeys]);
      return { owners: ownersOf(recordKeys), person: identifier[RECORD.personal] !== false, recordKeys };
    },
  },
  ApplicantRecord: {
    selectionSet: `{ ${fact('_key')} ${fact('_personal')} }`,
    facts(record: Row) {
      const key = record[RECORD.key];
      if (typeof key !== 'string') return UNKNOWN_ROW;
      return { owners: [key.slice(0, key.indexOf(':'))], person: record[RECORD.personal] !== false, recordKeys: [key] };
    },
  },
};

/**
 * An applicant's facts from what the identity subgraph returned under the reserved aliases. An
 * applicant whose kind is unknown is treated as a person: the stricter class applies.
 */
export function applicantFacts(applicant: Row): RowFacts {
  const recordKeys = strings(applicant[APPLICANT.recordKeys]);
  const id = applicant[APPLICANT.id];
  const applicantId = typeof id === 'string' ? decodeGlobalId(id)?.key : undefined;
  return { owners: ownersOf(recordKeys), person: applicant[APPLICANT.kind] !== 'ORGANIZATION', recordKeys, ...(applicantId ? { applicantId } : {}) };
}

/** Whether an applicant object carries its facts (it does when its selection held any governed field). */
export const hasApplicantFacts = (applicant: Row): boolean => APPLICANT.id in applicant && APPLICANT.recordKeys in applicant;

/** A row the gateway cannot attribute: no department owns it, so only OPEN non-personal data passes. */
export const UNKNOWN_ROW: RowFacts = { owners: [], person: true, recordKeys: [] };
