import { Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQueries } from '@tanstack/react-query';
import { Chart } from '../components/chart';
import { HubErrors } from '../components/hub-errors';
import { percent } from '../format';
import { execute } from '../graphql-client';
import { DepartmentServiceStatsDocument, DepartmentsDocument, type DepartmentServiceStatsQuery, type PowerCategory } from '../gql/graphql';
import { useHubQuery } from '../hub-queries';
import { useI18n } from '../i18n';
import type { MessageKey } from '../messages-zh';
import { useSession } from '../session';

/** The power categories in the order of the 权责清单, with the query's alias for each. */
const CATEGORIES: Array<[PowerCategory, Exclude<keyof DepartmentServiceStatsQuery, 'all' | '__typename'>]> = [
  ['LICENSING', 'licensing'],
  ['PENALTY', 'penalty'],
  ['COERCION', 'coercion'],
  ['LEVY', 'levy'],
  ['BENEFIT', 'benefit'],
  ['INSPECTION', 'inspection'],
  ['CONFIRMATION', 'confirmation'],
  ['REWARD', 'reward'],
  ['ADJUDICATION', 'adjudication'],
  ['OTHER', 'other'],
];

/** Service-item statistics per department (即办率, 时限压缩率, items by power category) as charts and a table. */
export function StatisticsPage() {
  const { t } = useI18n();
  const session = useSession();
  const departments = useHubQuery(DepartmentsDocument, {});
  const list = departments.data?.data?.departments ?? [];
  const stats = useQueries({
    queries: list.map((d) => ({
      queryKey: ['DepartmentServiceStats', d.code, session.key],
      queryFn: () => execute(DepartmentServiceStatsDocument, { department: d.code }, session),
    })),
  });
  const rows = list
    .map((d, i) => ({ department: d, stats: stats[i]?.data?.data ?? null }))
    .filter((r): r is { department: (typeof list)[number]; stats: DepartmentServiceStatsQuery } => r.stats !== null && r.stats.all.itemCount > 0);
  const loading = departments.isPending || stats.some((s) => s.isPending);
  const names = rows.map((r) => r.department.name);

  return (
    <Stack>
      <Title order={2}>{t('stats.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('stats.intro')}
      </Text>
      <HubErrors error={departments.error ?? stats.find((s) => s.error)?.error} errors={departments.data?.errors} />
      {loading && <Loader aria-label={t('common.loading')} />}
      {!loading && rows.length > 0 && (
        <>
          <SimpleGrid cols={{ base: 1, lg: 2 }}>
            <Paper withBorder p="sm">
              <Title order={3} size="h5" id="rates-title">
                {t('stats.rates')}
              </Title>
              <Chart
                testId="chart-rates"
                label={t('stats.chartLabel', { name: t('stats.rates') })}
                option={{
                  tooltip: { trigger: 'axis', valueFormatter: (v) => `${Number(v).toFixed(1)} %` },
                  legend: { bottom: 0 },
                  grid: { left: 48, right: 16, top: 16, bottom: 64, containLabel: true },
                  xAxis: { type: 'category', data: names, axisLabel: { interval: 0, overflow: 'break', width: 90 } },
                  yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value} %' } },
                  series: [
                    { name: t('stats.instantRate'), type: 'bar', data: rows.map((r) => Math.round(r.stats.all.instantRate * 1000) / 10) },
                    {
                      name: t('stats.compressionRate'),
                      type: 'bar',
                      data: rows.map((r) => (r.stats.all.compressionRate === null ? 0 : Math.round(r.stats.all.compressionRate * 1000) / 10)),
                    },
                  ],
                }}
              />
            </Paper>
            <Paper withBorder p="sm">
              <Title order={3} size="h5">
                {t('stats.categories')}
              </Title>
              <Chart
                testId="chart-categories"
                label={t('stats.chartLabel', { name: t('stats.categories') })}
                option={{
                  tooltip: { trigger: 'axis' },
                  legend: { bottom: 0, type: 'scroll' },
                  grid: { left: 48, right: 16, top: 16, bottom: 64, containLabel: true },
                  xAxis: { type: 'category', data: names, axisLabel: { interval: 0, overflow: 'break', width: 90 } },
                  yAxis: { type: 'value', minInterval: 1 },
                  series: CATEGORIES.filter(([, alias]) => rows.some((r) => r.stats[alias].itemCount > 0)).map(([category, alias]) => ({
                    name: t(`category.${category}` as MessageKey),
                    type: 'bar',
                    stack: 'items',
                    data: rows.map((r) => r.stats[alias].itemCount),
                  })),
                }}
              />
            </Paper>
          </SimpleGrid>
          <Title order={3} size="h4">
            {t('stats.table')}
          </Title>
          <Table.ScrollContainer minWidth={900}>
            <Table striped data-testid="stats-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('field.department')}</Table.Th>
                  <Table.Th>{t('stats.items')}</Table.Th>
                  <Table.Th>{t('stats.instant')}</Table.Th>
                  <Table.Th>{t('stats.instantRate')}</Table.Th>
                  <Table.Th>{t('stats.compressionRate')}</Table.Th>
                  {CATEGORIES.map(([category]) => (
                    <Table.Th key={category}>{t(`category.${category}` as MessageKey)}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((r) => (
                  <Table.Tr key={r.department.code}>
                    <Table.Th scope="row">{r.department.name}</Table.Th>
                    <Table.Td>{r.stats.all.itemCount}</Table.Td>
                    <Table.Td>{r.stats.all.instantCount}</Table.Td>
                    <Table.Td>{percent(r.stats.all.instantRate)}</Table.Td>
                    <Table.Td>{percent(r.stats.all.compressionRate)}</Table.Td>
                    {CATEGORIES.map(([category, alias]) => (
                      <Table.Td key={category}>{r.stats[alias].itemCount}</Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Stack>
  );
}
