import { Button, Group, Text } from '@mantine/core';
import { useI18n } from '../i18n';

/** Where a cursor-paged list is: the cursors of the pages before, so "previous" needs no backwards paging. */
export interface PageState {
  after: string | null;
  history: Array<string | null>;
}

export const firstPage: PageState = { after: null, history: [] };

export const nextPage = (state: PageState, endCursor: string): PageState => ({ after: endCursor, history: [...state.history, state.after] });
export const previousPage = (state: PageState): PageState => ({ after: state.history.at(-1) ?? null, history: state.history.slice(0, -1) });

/**
 * Previous / next over a forward-only cursor list, with "page n of m" when the total is known.
 *
 * @example
 * <Pager state={page} onChange={setPage} pageInfo={connection.pageInfo} total={connection.totalCount} pageSize={10} />
 */
export function Pager(props: {
  state: PageState;
  onChange(state: PageState): void;
  /** The list's paging state as the API gives it (`pageInfo`, or a connection carrying the same fields). */
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  total?: number;
  pageSize: number;
}) {
  const { t } = useI18n();
  const { hasNextPage, endCursor } = props.pageInfo;
  const page = props.state.history.length + 1;
  const pages = props.total === undefined ? undefined : Math.max(1, Math.ceil(props.total / props.pageSize));
  return (
    <Group component="nav" aria-label={t('pager.label')} justify="space-between" mt="md">
      <Button variant="default" disabled={page === 1} onClick={() => props.onChange(previousPage(props.state))}>
        {t('pager.previous')}
      </Button>
      {pages !== undefined && (
        <Text size="sm" aria-live="polite" data-testid="pager-position">
          {t('pager.page', { page, pages })}
        </Text>
      )}
      <Button variant="default" disabled={!hasNextPage || !endCursor} onClick={() => endCursor && props.onChange(nextPage(props.state, endCursor))}>
        {t('pager.next')}
      </Button>
    </Group>
  );
}
