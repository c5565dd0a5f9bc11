/** The three identity codes that link applicants across departments. */
export type IdentifierType = 'USCC' | 'ORG_CODE' | 'RESIDENT_ID';

/**
 * One validated reading of an identifier. `value` is upper-case, half-width, without separators:
 * 18 characters for USCC and RESIDENT_ID, 9 for ORG_CODE. A 15-digit resident ID is stored as its
 * upgraded 18-digit form so both spellings of the same person compare equal.
 */
export interface CanonicalIdentifier {
  type: IdentifierType;
  value: string;
}

/** A source of floats in [0, 1); generators are deterministic given the same sequence. */
export type Rng = () => number;
