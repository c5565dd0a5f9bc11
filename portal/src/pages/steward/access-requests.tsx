import { Badge, Card, Group, Loader, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { HubErrors } from '../../components/hub-errors';
import { firstPage, Pager } from '../../components/pager';
import { formatDate, formatDateTime } from '../../format';
import {
  type AccessRequestStatus,
  type AccessRequestsQuery,
  AccessRequestsDocument,
  ApproveAccessRequestDocument,
  RejectAccessRequestDocument,
} from '../../gql/graphql';
import { useHubMutation, useHubQuery } from '../../hub-queries';
import { useI18n } from '../../i18n';
import { DecisionForm } from './decision-form';
import { StewardOnly } from './steward-only';

const PAGE_SIZE = 10;
type Request = AccessRequestsQuery['accessRequests']['nodes'][number];

/** Access requests to decide: approve or refuse, each with a reason for the record. */
export function AccessRequestsPage({ steward }: { steward: boolean }) {
  return (
    <StewardOnly steward={steward}>
      <AccessRequests />
    </StewardOnly>
  );
}

function AccessRequests() {
  const { t } = useI18n();
  const [status, setStatus] = useState<AccessRequestStatus>('PENDING');
  const [page, setPage] = useState(firstPage);
  const requests = useHubQuery(AccessRequestsDocument, { status, first: PAGE_SIZE, after: page.after });
  const connection = requests.data?.data?.accessRequests;
  return (
    <Stack>
      <Title order={2}>{t('access.title')}</Title>
      <SegmentedControl
        aria-label={t('access.status')}
        value={status}
        onChange={(value) => {
          setStatus(value as AccessRequestStatus);
          setPage(firstPage);
        }}
        data={(['PENDING', 'APPROVED', 'REJECTED'] as const).map((s) => ({ value: s, label: t(`accessStatus.${s}`) }))}
        maw={420}
      />
      <HubErrors error={requests.error} errors={requests.data?.errors} />
      {requests.isPending && <Loader aria-label={t('common.loading')} />}
      {connection && <Text size="sm">{t('access.count', { count: connection.totalCount })}</Text>}
      {connection?.nodes.length === 0 && <Text>{t('access.none')}</Text>}
      {connection?.nodes.map((r) => (
        <RequestCard key={r.id} request={r} />
      ))}
      {connection && <Pager state={page} onChange={setPage} pageInfo={connection.pageInfo} total={connection.totalCount} pageSize={PAGE_SIZE} />}
    </Stack>
  );
}

function RequestCard({ request }: { request: Request }) {
  const { t, language } = useI18n();
  const approve = useHubMutation(ApproveAccessRequestDocument);
  const reject = useHubMutation(RejectAccessRequestDocument);
  const result = approve.data ?? reject.data;
  const decided = approve.data?.data?.approveAccessRequest ?? reject.data?.data?.rejectAccessRequest;
  const status = decided?.status ?? request.status;
  const headingId = `request-${request.id}`;
  return (
    <Card withBorder component="section" aria-labelledby={headingId} data-testid="access-request">
      <Group justify="space-between">
        <Title order={3} size="h5" id={headingId}>
          {request.consumerName ?? request.consumerId} → {request.department.name}
        </Title>
        <Group gap="xs">
          {request.overdue && status === 'PENDING' && <Badge color="red">{t('access.overdue')}</Badge>}
          <Badge color={status === 'APPROVED' ? 'green' : status === 'REJECTED' ? 'red' : 'blue'} data-testid="access-status">
            {t(`accessStatus.${status}`)}
          </Badge>
        </Group>
      </Group>
      <Stack gap={2} my="xs">
        <Text size="sm">
          {t('access.fields')}: {request.fields.join(', ')} · {t('access.clearText')}: {request.clearText ? t('common.yes') : t('common.no')}
        </Text>
        <Text size="sm">
          {t('access.purpose')}: {request.purpose}
        </Text>
        <Text size="sm">
          {t('access.legalBasis')}: {request.legalBasis}
        </Text>
        <Text size="sm">
          {t('access.period')}: {formatDate(request.validFrom, language)} – {formatDate(request.validUntil, language)} · {t('access.due')}:{' '}
          {formatDate(request.dueOn, language)}
        </Text>
        {request.decidedAt && (
          <Text size="sm" c="dimmed">
            {t('access.decided', { who: request.decidedBy ?? '—', at: formatDateTime(request.decidedAt, language), reason: request.decisionReason ?? '' })}
          </Text>
        )}
      </Stack>
      <HubErrors error={approve.error ?? reject.error} errors={result?.errors} />
      {status === 'PENDING' && !decided && (
        <DecisionForm
          label={t('access.reason')}
          busy={approve.isPending || reject.isPending}
          actions={[
            { label: t('access.approve'), color: 'green', onClick: (reason) => approve.mutate({ id: request.id, reason }) },
            { label: t('access.reject'), color: 'red', variant: 'light', onClick: (reason) => reject.mutate({ id: request.id, reason }) },
          ]}
        />
      )}
    </Card>
  );
}
