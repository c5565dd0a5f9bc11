import { Alert, List } from '@mantine/core';
import { HubRequestError, type HubError } from '../graphql-client';
import { useI18n } from '../i18n';
import type { MessageKey } from '../messages-zh';

const KNOWN = new Set(['FORBIDDEN', 'UNAUTHENTICATED', 'DEPARTMENT_UNAVAILABLE', 'RATE_LIMITED', 'SERVICE_OVERLOADED', 'BAD_USER_INPUT']);

/**
 * What went wrong, in the user's language: a request that failed, or the coded errors of a partial
 * answer (each kind once). Nothing when there is nothing to say.
 *
 * @example
 * <HubErrors error={query.error} errors={query.data?.errors} />
 */
export function HubErrors({ error, errors = [] }: { error?: unknown; errors?: readonly HubError[] }) {
  const { t } = useI18n();
  const describe = (code: string | undefined, message: string) => {
    if (code === 'NETWORK') return t('error.network');
    if (code && KNOWN.has(code)) return t(`error.${code}` as MessageKey, { message });
    return t('error.other', { message });
  };
  const lines = new Set<string>();
  if (error instanceof HubRequestError) lines.add(describe(error.code, error.message));
  else if (error instanceof Error) lines.add(describe(undefined, error.message));
  for (const e of errors) {
    lines.add(describe(e.extensions?.code, e.message));
  }
  if (lines.size === 0) return null;
  return (
    <Alert color={error ? 'red' : 'yellow'} title={t('error.title')} role="alert" mb="md">
      <List size="sm">
        {[...lines].map((line) => (
          <List.Item key={line}>{line}</List.Item>
        ))}
      </List>
    </Alert>
  );
}
