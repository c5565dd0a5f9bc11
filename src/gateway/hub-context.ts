import type { GraphQLError } from 'graphql';

/**
 * What every gateway request carries. Errors a resolver cannot raise without failing its whole field —
 * one department down under a list that other departments answered — are collected here and added to
 * the response by the department-errors plugin.
 */
export interface HubContext {
  requestId: string;
  departmentErrors: GraphQLError[];
}

export function createHubContext(requestId: string): HubContext {
  return { requestId, departmentErrors: [] };
}
