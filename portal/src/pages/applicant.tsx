import { Alert, Anchor, Badge, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'wouter';
import { HubErrors } from '../components/hub-errors';
import { firstPage, Pager } from '../components/pager';
import { formatDate, formatDateTime, isMasked } from '../format';
import { ApplicantPermitsDocument, ApplicantRecordsDocument, ApplicantSummaryDocument } from '../gql/graphql';
import { useHubQuery } from '../hub-queries';
import { useI18n } from '../i18n';
import type { MessageKey } from '../messages-zh';
import { useSession } from '../session';

const PAGE_SIZE = 10;

/** A value as the hub gave it, flagged when masked. */
function Shown({ value }: { value: string | null | undefined }) {
  const { t } = useI18n();
  if (value === null || value === undefined) return <>—</>;
  return (
    <>
      {value}{' '}
      {isMasked(value) && (
        <Badge size="xs" variant="outline" color="gray">
          {t('applicant.masked')}
        </Badge>
      )}
    </>
  );
}

/** One applicant: identifiers and records masked as the API masks them for this key, and every permit, paged. */
export function ApplicantPage({ id, steward }: { id: string; steward: boolean }) {
  const { t, language } = useI18n();
  const session = useSession();
  const [page, setPage] = useState(firstPage);
  const summary = useHubQuery(ApplicantSummaryDocument, { id });
  const records = useHubQuery(ApplicantRecordsDocument, { id }, { enabled: session.key !== null });
  const permits = useHubQuery(ApplicantPermitsDocument, { id, first: PAGE_SIZE, after: page.after });
  const applicant = summary.data?.data?.applicant;
  const connection = permits.data?.data?.applicant?.permits;

  if (summary.isPending) return <Loader aria-label={t('common.loading')} />;
  if (!applicant) {
    return (
      <Stack>
        <Anchor component={Link} href="/">
          ← {t('applicant.back')}
        </Anchor>
        <HubErrors error={summary.error} errors={(summary.data?.errors ?? []).filter((e) => e.extensions?.code !== 'FORBIDDEN')} />
        <Alert color="gray">{t('applicant.notVisible')}</Alert>
      </Stack>
    );
  }
  const recordList = records.data?.data?.applicant?.records;
  return (
    <Stack>
      <Anchor component={Link} href="/">
        ← {t('applicant.back')}
      </Anchor>
      <Group>
        <Title order={2} data-testid="applicant-name">
          {applicant.name ?? '—'}
        </Title>
        {applicant.kind && <Badge>{t(`applicantKind.${applicant.kind}` as MessageKey)}</Badge>}
      </Group>
      <HubErrors errors={summary.data?.errors} />
      <section aria-labelledby="identifiers">
        <Title order={3} size="h4" id="identifiers">
          {t('applicant.identifiers')}
        </Title>
        {(applicant.identifiers ?? []).map((i) => (
          <Text key={`${i.type}:${i.value}`} size="sm">
            {i.type}: <Shown value={i.value} />
          </Text>
        ))}
      </section>
      {steward && (
        <Anchor component={Link} href={`/steward/audit?applicant=${encodeURIComponent(applicant.id)}`}>
          {t('applicant.audit')}
        </Anchor>
      )}
      <section aria-labelledby="records">
        <Title order={3} size="h4" id="records">
          {t('applicant.records')}
        </Title>
        {session.key === null ? (
          <Text size="sm" c="dimmed">
            {t('applicant.recordsHidden')}
          </Text>
        ) : (
          <>
            <HubErrors error={records.error} errors={records.data?.errors} />
            {records.isFetching && <Loader size="sm" aria-label={t('common.loading')} />}
            {recordList && (
              <Table.ScrollContainer minWidth={600}>
                <Table striped>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('field.department')}</Table.Th>
                      <Table.Th>{t('field.localId')}</Table.Th>
                      <Table.Th>{t('field.name')}</Table.Th>
                      <Table.Th>{t('field.phone')}</Table.Th>
                      <Table.Th>{t('field.address')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {recordList.map((r) => (
                      <Table.Tr key={`${r.department?.code}:${r.localId}`}>
                        <Table.Td>{r.department?.name ?? '—'}</Table.Td>
                        <Table.Td>{r.localId ?? '—'}</Table.Td>
                        <Table.Td>{r.name ?? '—'}</Table.Td>
                        <Table.Td>
                          <Shown value={r.phone} />
                        </Table.Td>
                        <Table.Td>
                          <Shown value={r.address} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </>
        )}
      </section>
      <section aria-labelledby="permits">
        <Group justify="space-between">
          <Title order={3} size="h4" id="permits">
            {t('applicant.permits')}
          </Title>
          {connection && (
            <Text size="sm" data-testid="permit-count">
              {t('applicant.permitsCount', { count: connection.totalCount })}
            </Text>
          )}
        </Group>
        <HubErrors error={permits.error} errors={permits.data?.errors} />
        {permits.isFetching && <Loader size="sm" aria-label={t('common.loading')} />}
        {connection && connection.nodes.length === 0 && <Text>{t('applicant.noPermits')}</Text>}
        {connection && connection.nodes.length > 0 && (
          <Table.ScrollContainer minWidth={720}>
            <Table striped highlightOnHover data-testid="permits">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('field.title')}</Table.Th>
                  <Table.Th>{t('field.department')}</Table.Th>
                  <Table.Th>{t('field.status')}</Table.Th>
                  <Table.Th>{t('field.appliedAt')}</Table.Th>
                  <Table.Th>{t('field.validUntil')}</Table.Th>
                  <Table.Th>{t('field.days')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {connection.nodes.map((p) => (
                  <Table.Tr key={p.id}>
                    <Table.Td>
                      <span data-testid="permit-title">{p.title}</span>
                      {p.serviceItem && (
                        <Text size="xs" c="dimmed">
                          {p.serviceItem.name} · {t(`category.${p.serviceItem.category}` as MessageKey)}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td data-testid="permit-department">{p.department.name}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Badge variant="light" color={p.status === 'APPROVED' ? 'green' : p.status === 'REJECTED' || p.status === 'REVOKED' ? 'red' : 'gray'}>
                        {t(`status.${p.status}` as MessageKey)}
                      </Badge>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(p.appliedAt, language)}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(p.validUntil, language)}</Table.Td>
                    <Table.Td>
                      {p.actualDays ?? '—'} / {p.committedDays ?? '—'}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {connection && <Pager state={page} onChange={setPage} pageInfo={connection.pageInfo} total={connection.totalCount} pageSize={PAGE_SIZE} />}
      </section>
    </Stack>
  );
}
