import type { GraphQLError } from 'graphql';
import type { Consumer } from './auth/consumer.js';
import type { RequestGovernance } from './governance/request-governance.js';

/**
 * What every gateway request carries. Errors a resolver cannot raise without failing its whole field —
 * one department down under a list that other departments answered — are collected here and added to
 * the response by `http/plugins/use-department-errors.ts`.
 */
export interface HubContext {
  requestId: string;
  /** Who is asking; null is the public. */
  consumer: Consumer | null;
  /** The purpose code the request declared in `x-purpose`, if any. */
  purpose: string | null;
  departmentErrors: GraphQLError[];
  /** The operation's estimated cost with its variables (`query-cost.ts`), for the request's log line; null when not priced. */
  queryCost?: number | null;
  /** Set once the operation is known; absent when governance is off. */
  governance?: RequestGovernance;
}

export function createHubContext(requestId: string, consumer: Consumer | null = null, purpose: string | null = null): HubContext {
  return { requestId, consumer, purpose, departmentErrors: [] };
}
