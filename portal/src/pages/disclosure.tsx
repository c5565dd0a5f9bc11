import { Autocomplete, Badge, Button, Card, Group, Loader, Mark, NativeSelect, SimpleGrid, Spoiler, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { HubErrors } from '../components/hub-errors';
import { firstPage, Pager } from '../components/pager';
import { formatDate } from '../format';
import { type DisclosureItemFilter, type DisclosureMode, DepartmentsDocument, DisclosureItemsDocument } from '../gql/graphql';
import { useHubQuery } from '../hub-queries';
import { useI18n } from '../i18n';

const PAGE_SIZE = 10;
/** The usual categories of 政府信息公开 catalogues, offered as suggestions; any other text is accepted. */
const CATEGORIES = ['规划计划', '政策文件', '政策解读', '行政许可', '财政预决算', '人事信息', '统计信息', '法治政府建设', '依申请公开'];

interface Filters {
  search: string;
  category: string;
  publisherCode: string;
  mode: '' | DisclosureMode;
  from: string;
  to: string;
}
const EMPTY: Filters = { search: '', category: '', publisherCode: '', mode: '', from: '', to: '' };

/** The form's values as the API's filter: empty fields left out, dates as the whole Beijing day. */
function toFilter(f: Filters): DisclosureItemFilter {
  return {
    ...(f.search.trim() ? { search: f.search.trim() } : {}),
    ...(f.category.trim() ? { category: f.category.trim() } : {}),
    ...(f.publisherCode ? { publisherCode: f.publisherCode } : {}),
    ...(f.mode ? { mode: f.mode } : {}),
    ...(f.from ? { publishedFrom: `${f.from}T00:00:00+08:00` } : {}),
    ...(f.to ? { publishedTo: `${f.to}T23:59:59+08:00` } : {}),
  };
}

/** Text with the searched words marked, from the hub's spans (no markup comes from the server). */
function Marked({ spans }: { spans: ReadonlyArray<{ text: string; matched: boolean }> }) {
  return (
    <>
      {spans.map((span, i) =>
        span.matched ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: spans are a fixed sequence; the same word may repeat
          <Mark key={i}>{span.text}</Mark>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: as above
          <span key={i}>{span.text}</span>
        ),
      )}
    </>
  );
}

/** The disclosure catalogue: full-text search over titles and text, filters, pages. */
export function DisclosurePage() {
  const { t, language } = useI18n();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<Filters>(EMPTY);
  const [page, setPage] = useState(firstPage);
  const departments = useHubQuery(DepartmentsDocument, {});
  // A search lists the best matches first; browsing lists the newest first.
  const orderBy = applied.search.trim() ? 'RELEVANCE' : 'NEWEST';
  const items = useHubQuery(DisclosureItemsDocument, { filter: toFilter(applied), orderBy, first: PAGE_SIZE, after: page.after });
  const connection = items.data?.data?.disclosureItems;
  const set = (patch: Partial<Filters>) => setDraft((d) => ({ ...d, ...patch }));
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setApplied(draft);
    setPage(firstPage);
  };
  const reset = () => {
    setDraft(EMPTY);
    setApplied(EMPTY);
    setPage(firstPage);
  };

  return (
    <Stack maw={1000}>
      <Title order={2}>{t('disclosure.title')}</Title>
      <search>
        <form onSubmit={apply}>
          <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
            <TextInput label={t('disclosure.search')} value={draft.search} onChange={(e) => set({ search: e.currentTarget.value })} maxLength={100} name="q" />
            <Autocomplete label={t('disclosure.category')} data={CATEGORIES} value={draft.category} onChange={(category) => set({ category })} maxLength={64} />
            <NativeSelect
              label={t('disclosure.publisher')}
              value={draft.publisherCode}
              onChange={(e) => set({ publisherCode: e.currentTarget.value })}
              data={[{ value: '', label: t('disclosure.any') }, ...(departments.data?.data?.departments ?? []).map((d) => ({ value: d.code, label: d.name }))]}
            />
            <NativeSelect
              label={t('disclosure.mode')}
              value={draft.mode}
              onChange={(e) => set({ mode: e.currentTarget.value as Filters['mode'] })}
              data={[
                { value: '', label: t('disclosure.any') },
                { value: 'PROACTIVE', label: t('mode.PROACTIVE') },
                { value: 'ON_REQUEST', label: t('mode.ON_REQUEST') },
              ]}
            />
            <TextInput type="date" label={t('disclosure.from')} value={draft.from} onChange={(e) => set({ from: e.currentTarget.value })} />
            <TextInput type="date" label={t('disclosure.to')} value={draft.to} onChange={(e) => set({ to: e.currentTarget.value })} />
          </SimpleGrid>
          <Group mt="sm">
            <Button type="submit">{t('disclosure.apply')}</Button>
            <Button variant="default" onClick={reset}>
              {t('disclosure.reset')}
            </Button>
          </Group>
        </form>
      </search>
      <HubErrors error={items.error} errors={items.data?.errors} />
      {items.isFetching && <Loader size="sm" aria-label={t('common.loading')} />}
      {connection && (
        <Text size="sm" aria-live="polite" data-testid="disclosure-count">
          {t('disclosure.count', { count: connection.totalCount })}
        </Text>
      )}
      {connection?.nodes.length === 0 && <Text>{t('disclosure.none')}</Text>}
      {connection?.nodes.map((item) => (
        <Card key={item.id} withBorder padding="md" component="article">
          <Title order={3} size="h5">
            {item.highlight ? <Marked spans={item.highlight.title} /> : item.title}
          </Title>
          <Group gap="xs" my={4}>
            <Badge variant="light">{item.category}</Badge>
            <Badge variant="outline" color="gray">
              {t(`mode.${item.mode}`)}
            </Badge>
            <Text size="xs" c="dimmed">
              {item.publisher.name} · {formatDate(item.publishedAt, language)}
            </Text>
          </Group>
          {item.highlight && item.highlight.snippet.length > 0 && (
            <Text size="sm" c="dimmed" mb={4}>
              <Marked spans={item.highlight.snippet} />
            </Text>
          )}
          <Spoiler maxHeight={48} showLabel={t('disclosure.more')} hideLabel={t('disclosure.less')}>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {item.body}
            </Text>
          </Spoiler>
        </Card>
      ))}
      {connection && <Pager state={page} onChange={setPage} pageInfo={connection.pageInfo} total={connection.totalCount} pageSize={PAGE_SIZE} />}
    </Stack>
  );
}
