import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('public API', () => {
  it('exports exactly the agreed functions', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'birthDateOfResidentId',
        'classifyIdentifier',
        'hasUsccStructure',
        'isPlausibleDivision',
        'isProvinceCode',
        'looksLikeResidentId',
        'USCC_CATEGORIES',
        'formatOrgCodeLegacy',
        'generateResidentId',
        'generateUscc',
        'isValidOrgCode',
        'isValidResidentId',
        'isValidUscc',
        'mulberry32',
        'normalizeIdentifierText',
        'orgCodeCheckChar',
        'orgCodeOfUscc',
        'parseIdentifier',
        'residentIdCheckChar',
        'sexOfResidentId',
        'toResidentId15',
        'upgradeResidentId15',
        'usccCheckChar',
      ].sort(),
    );
  });
});
