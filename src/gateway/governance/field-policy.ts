import { Kind, parse, type ConstDirectiveNode, type FieldDefinitionNode } from 'graphql';

/** Sharing classes of 国发〔2016〕51号, plus OPEN for open data (公开). */
export type ShareLevel = 'OPEN' | 'UNCONDITIONAL' | 'CONDITIONAL' | 'NONE';
/** Personal data a field holds: what masking applies to it. */
export type PersonalData = 'RESIDENT_ID' | 'PHONE' | 'ADDRESS';

/** One field's `@share` directive, as the subgraph that owns the field declared it. */
export interface FieldPolicy {
  /** `Type.field`. */
  coordinate: string;
  typeName: string;
  /** The class for data about organisations, or about no one. */
  level: ShareLevel;
  /** The class when the row concerns a natural person. */
  person: ShareLevel;
  /** Masked for natural persons unless a grant allows clear text. */
  personal: PersonalData | null;
}

const LEVELS: readonly ShareLevel[] = ['OPEN', 'UNCONDITIONAL', 'CONDITIONAL', 'NONE'];
const PERSONAL: readonly PersonalData[] = ['RESIDENT_ID', 'PHONE', 'ADDRESS'];

/**
 * Reads every `@share` directive from the subgraphs' SDL (and the gateway's own extensions). The SDL is
 * the single source of a field's class: governance never keeps a second list that could drift from it.
 *
 * @example
 * const policies = readFieldPolicies([departmentSdl, identitySdl, gatewaySdl]);
 * policies.get('ApplicantRecord.phone'); // { level: 'CONDITIONAL', person: 'CONDITIONAL', personal: 'PHONE', … }
 */
export function readFieldPolicies(sdls: readonly string[]): Map<string, FieldPolicy> {
  const policies = new Map<string, FieldPolicy>();
  for (const sdl of sdls) {
    for (const definition of parse(sdl).definitions) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
      for (const field of definition.fields ?? []) {
        const policy = fieldPolicy(definition.name.value, field);
        if (!policy) continue;
        const known = policies.get(policy.coordinate);
        if (known && (known.level !== policy.level || known.person !== policy.person || known.personal !== policy.personal)) {
          throw new Error(`${policy.coordinate} is declared with two different @share classes`);
        }
        policies.set(policy.coordinate, policy);
      }
    }
  }
  return policies;
}

function fieldPolicy(typeName: string, field: FieldDefinitionNode): FieldPolicy | null {
  const directive = field.directives?.find((d) => d.name.value === 'share');
  if (!directive) return null;
  const coordinate = `${typeName}.${field.name.value}`;
  const level = enumArgument(directive, 'level', LEVELS, coordinate);
  if (!level) throw new Error(`@share on ${coordinate} needs a level`);
  return {
    coordinate,
    typeName,
    level,
    person: enumArgument(directive, 'person', LEVELS, coordinate) ?? level,
    personal: enumArgument(directive, 'personal', PERSONAL, coordinate),
  };
}

function enumArgument<T extends string>(directive: ConstDirectiveNode, name: string, allowed: readonly T[], coordinate: string): T | null {
  const argument = directive.arguments?.find((a) => a.name.value === name);
  if (!argument) return null;
  const value = argument.value.kind === Kind.ENUM ? argument.value.value : null;
  if (!value || !allowed.includes(value as T)) throw new Error(`@share(${name}:) on ${coordinate} must be one of ${allowed.join(', ')}`);
  return value as T;
}
