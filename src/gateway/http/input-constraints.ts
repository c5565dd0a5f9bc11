import type { ApolloServerPlugin } from '@apollo/server';
import { getDirective } from '@graphql-tools/utils';
import {
  getNullableType,
  getVariableValues,
  GraphQLError,
  isInputObjectType,
  isListType,
  Kind,
  TypeInfo,
  valueFromAST,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLArgument,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValueNode,
} from 'graphql';
import { ErrorCode } from '../../schema/index.js';

/** An argument's or input field's `@constraint(maxLength, maxItems)`. */
interface Constraint {
  maxLength?: number;
  maxItems?: number;
}

/** An argument in the document whose value may be bounded, with what is needed to check it per request. */
interface Site {
  value: ValueNode;
  type: GraphQLInputType;
  constraint: Constraint | undefined;
  name: string;
}

/**
 * Enforces the schema's `@constraint` bounds on every argument of an operation — literal or variable,
 * nested in input objects and lists — after validation and before execution, so a request over a bound
 * is refused (BAD_USER_INPUT, HTTP 400) before any resolver, department or database does any work.
 * Bounds are read from the schema once; the arguments that can carry a bound are found once per parsed
 * document, so a request pays for the values it sends, not for walking its document again.
 *
 * @example
 * new ApolloServer({ schema, plugins: [inputConstraintsPlugin()] });
 */
export function inputConstraintsPlugin(): ApolloServerPlugin {
  const bounds = new WeakMap<GraphQLSchema, Bounds>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          let known = bounds.get(schema);
          if (!known) bounds.set(schema, (known = new Bounds(schema)));
          known.check(document, operation, request.variables ?? {});
        },
      };
    },
  };
}

/** The bounds of one schema, and the bounded argument sites of each document seen. */
class Bounds {
  readonly #constraints = new Map<GraphQLArgument | GraphQLInputField, Constraint | undefined>();
  /** Whether values of an input type can hold anything bounded (so unbounded arguments are skipped). */
  readonly #bounded = new Map<GraphQLInputType, boolean>();
  readonly #sites = new WeakMap<DocumentNode, Site[]>();

  constructor(readonly schema: GraphQLSchema) {}

  check(document: DocumentNode, operation: OperationDefinitionNode, rawVariables: Record<string, unknown>): void {
    const sites = this.#sitesOf(document);
    if (sites.length === 0) return;
    // A variable passed straight to a bounded argument is checked as sent first: a list of 90,000
    // codes is refused before coercing it would cost more than the whole request may.
    for (const site of sites) {
      if (site.value.kind === Kind.VARIABLE) this.#checkValue(rawVariables[site.value.name.value], site.type, site.constraint, site.name);
    }
    // Coerced as execution will coerce them; a request whose variables do not coerce is left for
    // execution to refuse with its own error.
    const coerced = getVariableValues(this.schema, operation.variableDefinitions ?? [], rawVariables, { maxErrors: 1 });
    if (coerced.errors) return;
    for (const site of sites) {
      const value = valueFromAST(site.value, site.type, coerced.coerced);
      if (value !== undefined) this.#checkValue(value, site.type, site.constraint, site.name);
    }
  }

  #sitesOf(document: DocumentNode): Site[] {
    let sites = this.#sites.get(document);
    if (sites) return sites;
    const found: Site[] = [];
    const typeInfo = new TypeInfo(this.schema);
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        [Kind.ARGUMENT]: (node) => {
          const argument = typeInfo.getArgument();
          if (!argument || !this.#isBounded(argument.type, this.#constraintOf(argument))) return;
          found.push({ value: node.value, type: argument.type, constraint: this.#constraintOf(argument), name: argument.name });
        },
      }),
    );
    this.#sites.set(document, (sites = found));
    return sites;
  }

  #constraintOf(target: GraphQLArgument | GraphQLInputField): Constraint | undefined {
    if (this.#constraints.has(target)) return this.#constraints.get(target);
    const found = getDirective(this.schema, target, 'constraint')?.[0] as Constraint | undefined;
    this.#constraints.set(target, found);
    return found;
  }

  #isBounded(type: GraphQLInputType, constraint: Constraint | undefined): boolean {
    if (constraint) return true;
    const nullable = getNullableType(type);
    if (isListType(nullable)) return this.#isBounded(nullable.ofType, undefined);
    if (!isInputObjectType(nullable)) return false;
    let bounded = this.#bounded.get(nullable);
    if (bounded === undefined) {
      this.#bounded.set(nullable, false); // a recursive input type is settled by its other fields
      bounded = Object.values(nullable.getFields()).some((f) => this.#isBounded(f.type, this.#constraintOf(f)));
      this.#bounded.set(nullable, bounded);
    }
    return bounded;
  }

  /** Walks a coerced value by its type (never deeper than the type goes), refusing the first bound it breaks. */
  #checkValue(value: unknown, type: GraphQLInputType, constraint: Constraint | undefined, name: string): void {
    if (value === null || value === undefined) return;
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      const items = Array.isArray(value) ? value : [value];
      if (constraint?.maxItems !== undefined && items.length > constraint.maxItems) {
        throw refuse(`${name} has more than ${constraint.maxItems} items`, name, { maxItems: constraint.maxItems });
      }
      // maxLength of a list bounds each of its strings.
      const itemConstraint = constraint?.maxLength !== undefined ? { maxLength: constraint.maxLength } : undefined;
      if (!itemConstraint && !this.#isBounded(nullable.ofType, undefined)) return;
      for (const item of items) this.#checkValue(item, nullable.ofType, itemConstraint, name);
      return;
    }
    if (isInputObjectType(nullable)) {
      if (typeof value !== 'object') return;
      for (const field of Object.values(nullable.getFields())) {
        const fieldValue = (value as Record<string, unknown>)[field.name];
        if (fieldValue !== undefined) this.#checkValue(fieldValue, field.type, this.#constraintOf(field), `${name}.${field.name}`);
      }
      return;
    }
    if (constraint?.maxLength !== undefined && typeof value === 'string' && value.length > constraint.maxLength) {
      throw refuse(`${name} is longer than ${constraint.maxLength} characters`, name, { maxLength: constraint.maxLength });
    }
  }
}

function refuse(message: string, argument: string, bound: Constraint): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, argument, ...bound, http: { status: 400 } } });
}
