import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../schema/index.js';

/**
 * Who is asking, as the gateway puts it in the GraphQL context. Structural on purpose: subgraphs may not
 * import gateway code, and a subgraph served alone gets the same shape from its own server.
 */
export interface GovernanceConsumer {
  id: string;
  name?: string;
  kind: 'DEPARTMENT' | 'PORTAL' | 'STEWARD' | (string & {});
  /** The department a DEPARTMENT consumer belongs to. */
  departmentCode: string | null;
}

/** The slice of the gateway's context this subgraph reads. `consumer` null or absent is the public. */
export interface GovernanceContext {
  consumer?: GovernanceConsumer | null;
  /** The purpose code declared in `x-purpose`, if any. */
  purpose?: string | null;
}

const forbidden = (message: string, requires: string) => new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN, requires } });

/** Any credential at all: the public may not use the workflow. */
export function requireConsumer(context: GovernanceContext | undefined): GovernanceConsumer {
  const consumer = context?.consumer;
  if (!consumer) throw forbidden('sign in as a department, portal or data steward to do this', 'CONSUMER');
  return consumer;
}

/** The data steward credential. */
export function requireSteward(context: GovernanceContext | undefined): GovernanceConsumer {
  const consumer = context?.consumer;
  if (consumer?.kind !== 'STEWARD') throw forbidden('only a data steward may do this', 'STEWARD');
  return consumer;
}

/** A department or portal: the consumers that ask for conditional data (a steward already sees everything). */
export function requireRequester(context: GovernanceContext | undefined): GovernanceConsumer {
  const consumer = requireConsumer(context);
  if (consumer.kind !== 'DEPARTMENT' && consumer.kind !== 'PORTAL')
    throw forbidden('only a department or a portal requests access; a data steward already sees everything', 'DEPARTMENT_OR_PORTAL');
  return consumer;
}

/** The department that owns the data, or a steward: who decides requests and revokes grants. */
export function requireOwnerOrSteward(context: GovernanceContext | undefined, departmentCode: string): GovernanceConsumer {
  const consumer = requireConsumer(context);
  if (consumer.kind === 'STEWARD') return consumer;
  if (consumer.kind === 'DEPARTMENT' && consumer.departmentCode === departmentCode) return consumer;
  throw forbidden(`only department ${departmentCode} or a data steward may do this`, 'OWNER_OR_STEWARD');
}
