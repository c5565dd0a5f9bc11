import { describe, expect, it } from 'vitest';
import type { Consumer } from '../auth/consumer.js';
import { decideAccess, type Grant } from './access-decision.js';
import { readFieldPolicies } from './field-policy.js';

const policies = readFieldPolicies([
  /* GraphQL */ `
  type T {
    open: String @share(level: OPEN)
    openOrg: String @share(level: OPEN, person: UNCONDITIONAL, personal: RESIDENT_ID)
    unconditional: String @share(level: UNCONDITIONAL)
    conditional: String @share(level: CONDITIONAL, personal: PHONE)
    none: String @share(level: NONE)
  }`,
]);
const policy = (field: string) => policies.get(`T.${field}`)!;
const consumer = (kind: Consumer['kind'], departmentCode: string | null = null): Consumer => ({
  id: `c-${kind}-${departmentCode}`,
  name: 'x',
  kind,
  departmentCode,
});
const steward = consumer('STEWARD');
const portal = consumer('PORTAL');
const market = consumer('DEPARTMENT', 'market');
const health = consumer('DEPARTMENT', 'health');
const marketRow = (person: boolean) => ({ owners: ['market'], person });
const grant = (fields: string[], clearText: boolean, purpose = 'P'): Grant => ({ department: 'market', fields, purpose, clearText });

describe('decideAccess', () => {
  // consumer, field, person row, grants, purpose → access
  const cases: Array<[string, Consumer | null, string, boolean, Grant[], string | null, string]> = [
    ['public, open', null, 'open', false, [], null, 'clear'],
    ['public, open organisation field', null, 'openOrg', false, [], null, 'clear'],
    ['public, person row of an open-for-organisations field', null, 'openOrg', true, [], null, 'denied'],
    ['public, unconditional', null, 'unconditional', false, [], null, 'denied'],
    ['public, none', null, 'none', false, [], null, 'denied'],
    ['portal, unconditional', portal, 'unconditional', false, [], null, 'clear'],
    ['portal, personal unconditional', portal, 'openOrg', true, [], null, 'masked'],
    ['portal, conditional without grant', portal, 'conditional', true, [], null, 'denied'],
    ['other department, none', health, 'none', false, [], null, 'denied'],
    ['owner, none', market, 'none', false, [], null, 'clear'],
    ['owner, conditional personal', market, 'conditional', true, [], null, 'clear'],
    ['other department, conditional, masked grant', health, 'conditional', true, [grant(['T.conditional'], false)], 'P', 'masked'],
    ['other department, conditional, clear grant on the type', health, 'conditional', true, [grant(['T'], true)], 'P', 'clear'],
    ['other department, conditional, organisation row, masked grant', health, 'conditional', false, [grant(['T.conditional'], false)], 'P', 'clear'],
    ['other department, conditional, grant for another purpose', health, 'conditional', true, [grant(['T.conditional'], true, 'Q')], 'P', 'denied'],
    ['other department, conditional, grant but no purpose declared', health, 'conditional', true, [grant(['T.conditional'], true)], null, 'denied'],
    ['other department, conditional, grant for another field', health, 'conditional', true, [grant(['T.none'], true)], 'P', 'denied'],
    [
      'other department, conditional, grant from another department',
      health,
      'conditional',
      true,
      [{ ...grant(['T.conditional'], true), department: 'housing' }],
      'P',
      'denied',
    ],
    ['other department, personal unconditional, clear grant', health, 'openOrg', true, [grant(['T.openOrg'], true)], 'P', 'clear'],
    ['other department, none, even with a grant', health, 'none', false, [grant(['T.none'], true)], 'P', 'denied'],
    ['steward, none', steward, 'none', true, [], null, 'clear'],
    ['steward, conditional personal', steward, 'conditional', true, [], null, 'clear'],
  ];
  it.each(cases)('%s', (_name, who, field, person, grants, purpose, expected) => {
    expect(decideAccess(policy(field), marketRow(person), { consumer: who, purpose, grants }).access).toBe(expected);
  });

  it('lets a department see a row any of whose owners it is', () => {
    expect(decideAccess(policy('none'), { owners: ['health', 'market'], person: true }, { consumer: market, purpose: null, grants: [] }).access).toBe('clear');
  });

  it('refuses two different classes for one field, and unknown levels', () => {
    expect(() => readFieldPolicies(['type A { f: String @share(level: OPEN) }', 'extend type A { f: String @share(level: NONE) }'])).toThrow(/two different/);
    expect(() => readFieldPolicies(['type A { f: String @share(level: SECRET) }'])).toThrow(/must be one of/);
  });
});
