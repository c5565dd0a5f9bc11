import { collectSubFields } from '@graphql-tools/utils';
import { Kind, type FieldNode, type GraphQLObjectType, type GraphQLResolveInfo, type SelectionNode, type SelectionSetNode } from 'graphql';

/**
 * The selections a client made on the nodes of a connection field, gathered from `edges { node { … } }`
 * and from `nodes { … }` separately, through aliases, fragments and @skip/@include.
 * The gateway forwards them to each department so one delegation fetches exactly what was asked.
 */
export function nodeSelections(info: GraphQLResolveInfo, connectionType: GraphQLObjectType, edgeType: GraphQLObjectType, pageInfoType?: GraphQLObjectType) {
  const subFields = (type: GraphQLObjectType, nodes: FieldNode[]) =>
    collectSubFields(info.schema, info.fragments, { coerced: info.variableValues, sources: {} }, type, nodes).fields;
  const fromEdges: SelectionNode[] = [];
  const fromNodes: SelectionNode[] = [];
  // Whether the client reads any cursor: an edge's, or the page's start or end.
  let cursors = false;
  for (const fieldNodes of subFields(connectionType, [...info.fieldNodes]).values()) {
    const name = fieldNodes[0]!.name.value;
    if (name === 'nodes') for (const f of fieldNodes) fromNodes.push(...(f.selectionSet?.selections ?? []));
    if (name === 'edges') {
      for (const edgeFields of subFields(edgeType, fieldNodes).values()) {
        if (edgeFields[0]!.name.value === 'cursor') cursors = true;
        if (edgeFields[0]!.name.value !== 'node') continue;
        for (const f of edgeFields) fromEdges.push(...(f.selectionSet?.selections ?? []));
      }
    }
    if (name === 'pageInfo' && !pageInfoType) cursors = true;
    if (name === 'pageInfo' && pageInfoType) {
      for (const pageFields of subFields(pageInfoType, fieldNodes).values()) {
        if (pageFields[0]!.name.value === 'startCursor' || pageFields[0]!.name.value === 'endCursor') cursors = true;
      }
    }
  }
  return { fromEdges: selectionSet(fromEdges), fromNodes: selectionSet(fromNodes), cursors };
}

const selectionSet = (selections: SelectionNode[]): SelectionSetNode | null => (selections.length ? { kind: Kind.SELECTION_SET, selections } : null);

/**
 * A field node built in code: `alias: name { … }`.
 *
 * @example
 * field('permit', selections, 'e'); // e: permit { …selections }
 */
export function field(name: string, selections?: SelectionSetNode | null, alias?: string): FieldNode {
  return {
    kind: Kind.FIELD,
    name: { kind: Kind.NAME, value: name },
    ...(alias ? { alias: { kind: Kind.NAME, value: alias } } : {}),
    ...(selections ? { selectionSet: selections } : {}),
  };
}

export const fields = (...nodes: Array<FieldNode | null>): SelectionSetNode => ({
  kind: Kind.SELECTION_SET,
  selections: nodes.filter((n): n is FieldNode => n !== null),
});
