import { isValidOrgCode } from './org-code.js';
import { normalizeBounded } from './normalize.js';
import { isValidResidentId, upgradeResidentId15 } from './resident-id.js';
import type { CanonicalIdentifier, IdentifierType } from './types.js';
import { isValidUscc } from './uscc.js';

/**
 * Every valid reading of a raw legacy string, most plausible first; [] when nothing validates.
 *
 * Readings are decided by structure and check characters, never by length alone: an 18-character
 * string is tried both as a USCC and as a resident ID, and both readings are returned when both
 * pass (an all-digit USCC exists, and about 1 in 31 resident IDs also passes the USCC check).
 * Order when both pass: resident ID first if the string starts with 1–8 (a province code), else
 * USCC first (no province code starts with 0 or 9, while 91/92/93 enterprise codes do). A typo that
 * breaks the check character yields [] — a false link is worse than a missed one, so nothing is
 * "corrected".
 *
 * Accepts lower-case x, full-width characters, spaces/dashes/dots, org codes written '77604965-3',
 * and 15-digit resident IDs (returned upgraded to 18 digits). `hint` restricts to one type.
 *
 * @example
 * parseIdentifier('91350200776049653A'); // [{ type: 'USCC', value: '91350200776049653A' }]
 * parseIdentifier('77604965-3');         // [{ type: 'ORG_CODE', value: '776049653' }]
 * parseIdentifier('110105491231002');    // [{ type: 'RESIDENT_ID', value: '11010519491231002X' }]
 * parseIdentifier('11010519491231002x', 'USCC'); // []
 */
export function parseIdentifier(raw: string, hint?: IdentifierType): CanonicalIdentifier[] {
  const out: CanonicalIdentifier[] = [];
  // Legacy rows reach us through untyped CSV/JSON; a null here means "no identifier", not a crash.
  if (typeof raw !== 'string') return out;
  // 18 is the longest canonical form: stop folding longer free text early.
  const s = normalizeBounded(raw, 18);
  if (s === null) return out;

  switch (s.length) {
    case 9:
      if ((hint === undefined || hint === 'ORG_CODE') && isValidOrgCode(s)) out.push({ type: 'ORG_CODE', value: s });
      break;
    case 15:
      if (hint === undefined || hint === 'RESIDENT_ID') {
        const upgraded = upgradeResidentId15(s);
        if (upgraded !== null) out.push({ type: 'RESIDENT_ID', value: upgraded });
      }
      break;
    case 18: {
      const asUscc = (hint === undefined || hint === 'USCC') && isValidUscc(s);
      const asResident = (hint === undefined || hint === 'RESIDENT_ID') && isValidResidentId(s);
      if (asUscc && asResident) {
        const c = s.charCodeAt(0);
        const residentFirst = c >= 0x31 && c <= 0x38; // '1'–'8'
        out.push({ type: residentFirst ? 'RESIDENT_ID' : 'USCC', value: s }, { type: residentFirst ? 'USCC' : 'RESIDENT_ID', value: s });
      } else if (asUscc) {
        out.push({ type: 'USCC', value: s });
      } else if (asResident) {
        out.push({ type: 'RESIDENT_ID', value: s });
      }
      break;
    }
    default:
      break;
  }
  return out;
}
