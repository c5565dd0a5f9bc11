import { type ConstDirectiveNode, type DefinitionNode, type DocumentNode, Kind, parse, print, visit } from 'graphql';

/** The Federation v2 features the federated views use, linked as Apollo's composers expect. */
export const FEDERATION_LINK = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable", "@external", "@requires", "@inaccessible"])
`;

/** What of a subgraph's SDL a federated view keeps, and the Federation directives it adds. */
export interface PublicSdlOptions {
  /** Types to keep; everything else (the hub's `_` protocol, steward-only types) is left out. */
  types: readonly string[];
  /** Fields to keep by type, where not every non-`_` field is kept: e.g. `{ Query: ['applicant'] }`. */
  fields?: Readonly<Record<string, readonly string[]>>;
  /** `_` fields to keep as `Type.field` (the ones a Federation directive names). */
  protocolFields?: readonly string[];
  /** Directives to add, as SDL text, by type name or `Type.field`: e.g. `{ Applicant: '@key(fields: "id")' }`. */
  directives?: Readonly<Record<string, string>>;
  /** Types to rename, definitions and references alike (after `types` and `directives`, which use the old names). */
  rename?: Readonly<Record<string, string>>;
}

/** Directives of the hub's own governance and input checks: enforced by the hub's gateway, meaningless to a Federation gateway. */
const HUB_DIRECTIVES = new Set(['share', 'constraint']);

/**
 * A subgraph's SDL cut down to what a Federation gateway may see, with Federation directives added: the
 * kept types only, no `_` field unless named, no governance directive. Built from the SDL the subgraph
 * ships, so the federated view cannot drift from what the hub stitches.
 *
 * @example
 * publicSdl(identitySdl, { types: ['Applicant'], directives: { Applicant: '@key(fields: "id")' } });
 */
export function publicSdl(sdl: string, options: PublicSdlOptions): string {
  const keepTypes = new Set(options.types);
  const keepProtocol = new Set(options.protocolFields ?? []);
  const added = (at: string): ConstDirectiveNode[] => {
    const text = options.directives?.[at];
    if (!text) return [];
    const definition = parse(`scalar X ${text}`).definitions[0];
    return definition?.kind === Kind.SCALAR_TYPE_DEFINITION ? [...(definition.directives ?? [])] : [];
  };
  const ownDirectives = (directives: readonly ConstDirectiveNode[] | undefined, at: string) => [
    ...(directives ?? []).filter((d) => !HUB_DIRECTIVES.has(d.name.value)),
    ...added(at),
  ];
  const keepField = (type: string, name: string) =>
    name.startsWith('_') ? keepProtocol.has(`${type}.${name}`) : (options.fields?.[type]?.includes(name) ?? true);

  const definitions: DefinitionNode[] = [];
  for (const definition of parse(sdl).definitions) {
    if (!('name' in definition) || !definition.name || definition.kind === Kind.DIRECTIVE_DEFINITION) continue;
    const type = definition.name.value;
    if (!keepTypes.has(type)) continue;
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) {
      const fields = (definition.fields ?? [])
        .filter((f) => keepField(type, f.name.value))
        .map((f) => ({
          ...f,
          directives: ownDirectives(f.directives, `${type}.${f.name.value}`),
          ...('arguments' in f && f.arguments ? { arguments: f.arguments.map((a) => ({ ...a, directives: ownDirectives(a.directives, '') })) } : {}),
        }));
      definitions.push({ ...definition, fields, directives: ownDirectives(definition.directives, type) } as DefinitionNode);
    } else {
      definitions.push({
        ...definition,
        directives: ownDirectives((definition as { directives?: readonly ConstDirectiveNode[] }).directives, type),
      } as DefinitionNode);
    }
  }
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions };
  const rename = options.rename ?? {};
  const renamed = visit(document, {
    Name: (node, _key, parent) => {
      const to = rename[node.value];
      const names = parent && !Array.isArray(parent) && 'kind' in parent && (parent.kind === Kind.NAMED_TYPE || /TypeDefinition$/.test(parent.kind));
      return to && names ? { ...node, value: to } : undefined;
    },
  });
  return print(renamed);
}
