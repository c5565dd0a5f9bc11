import { Badge, Loader, Stack, Table, Title } from '@mantine/core';
import { HubErrors } from '../../components/hub-errors';
import { formatDateTime } from '../../format';
import { DepartmentHealthDocument } from '../../gql/graphql';
import { useHubQuery } from '../../hub-queries';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../messages-zh';
import { StewardOnly } from './steward-only';

const CIRCUIT_COLOUR = { CLOSED: 'green', HALF_OPEN: 'yellow', OPEN: 'red' } as const;

/** Each department's system: circuit breaker, last success, last failure, last sync. */
export function HealthPage({ steward }: { steward: boolean }) {
  return (
    <StewardOnly steward={steward}>
      <Health />
    </StewardOnly>
  );
}

function Health() {
  const { t, language } = useI18n();
  const health = useHubQuery(DepartmentHealthDocument, {});
  const departments = health.data?.data?.departments ?? [];
  return (
    <Stack>
      <Title order={2}>{t('health.title')}</Title>
      <HubErrors error={health.error} errors={health.data?.errors} />
      {health.isPending && <Loader aria-label={t('common.loading')} />}
      <Table.ScrollContainer minWidth={700}>
        <Table striped data-testid="health">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('field.department')}</Table.Th>
              <Table.Th>{t('health.circuit')}</Table.Th>
              <Table.Th>{t('health.lastSuccess')}</Table.Th>
              <Table.Th>{t('health.lastError')}</Table.Th>
              <Table.Th>{t('health.lastSynced')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {departments.map((d) => (
              <Table.Tr key={d.code}>
                <Table.Th scope="row">{d.name}</Table.Th>
                <Table.Td>
                  {d.health ? <Badge color={CIRCUIT_COLOUR[d.health.circuit]}>{t(`circuit.${d.health.circuit}` as MessageKey)}</Badge> : t('health.none')}
                </Table.Td>
                <Table.Td>{formatDateTime(d.health?.lastSuccessAt, language)}</Table.Td>
                <Table.Td>
                  {d.health?.lastError
                    ? `${formatDateTime(d.health.lastError.at, language)} · ${t(`reason.${d.health.lastError.reason}` as MessageKey)}`
                    : t('health.none')}
                </Table.Td>
                <Table.Td>{formatDateTime(d.lastSyncedAt, language)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
