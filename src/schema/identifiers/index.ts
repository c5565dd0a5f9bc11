// Public API of the identity-code module; see README.md.
export type { CanonicalIdentifier, IdentifierType, Rng } from './types.js';
export { normalizeIdentifierText } from './normalize.js';
export { isValidUscc, orgCodeOfUscc, usccCheckChar } from './uscc.js';
export { formatOrgCodeLegacy, isValidOrgCode, orgCodeCheckChar } from './org-code.js';
export {
  birthDateOfResidentId,
  isValidResidentId,
  residentIdCheckChar,
  sexOfResidentId,
  toResidentId15,
  upgradeResidentId15,
} from './resident-id.js';
export { parseIdentifier } from './parse.js';
export { classifyIdentifier, looksLikeResidentId, type IdentifierClaims, type IdentifierClassification } from './classify.js';
export { hasUsccStructure, USCC_CATEGORIES } from './gb32100.js';
export { isPlausibleDivision, isProvinceCode } from './divisions.js';
export { generateResidentId, generateUscc } from './generate.js';
export { mulberry32 } from './rng.js';
