import { type UseQueryResult, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { execute, type HubResult } from './graphql-client';
import { useSession } from './session';

const operationName = (document: TypedDocumentNode<unknown, unknown>) => {
  const definition = document.definitions[0];
  return definition?.kind === 'OperationDefinition' ? (definition.name?.value ?? 'anonymous') : 'anonymous';
};

/**
 * A generated query, run as the signed-in key (or the public), cached per key and variables so signing
 * in or out never shows one caller's answer to another.
 *
 * @example
 * const result = useHubQuery(DepartmentsDocument, {});
 */
export function useHubQuery<TData, TVariables>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  options: { enabled?: boolean } = {},
): UseQueryResult<HubResult<TData>> {
  const session = useSession();
  return useQuery({
    queryKey: [operationName(document as TypedDocumentNode<unknown, unknown>), variables, session.key, session.purpose],
    queryFn: () => execute(document, variables, session),
    enabled: options.enabled ?? true,
  });
}

/**
 * A generated mutation; every cached query is refreshed after it, since a decision changes queues and lists.
 *
 * @example
 * const approve = useHubMutation(ApproveAccessRequestDocument);
 * approve.mutate({ id, reason });
 */
export function useHubMutation<TData, TVariables>(document: TypedDocumentNode<TData, TVariables>) {
  const session = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (variables: TVariables) => execute(document, variables, session),
    onSuccess: () => client.invalidateQueries(),
  });
}
