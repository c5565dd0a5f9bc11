import { Badge, Card, Group, Loader, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { HubErrors } from '../../components/hub-errors';
import { firstPage, Pager } from '../../components/pager';
import { ConfirmCandidateDocument, DeferCandidateDocument, RejectCandidateDocument, type ReviewQueueQuery, ReviewQueueDocument } from '../../gql/graphql';
import { useHubMutation, useHubQuery } from '../../hub-queries';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../messages-zh';
import { DecisionForm } from './decision-form';
import { StewardOnly } from './steward-only';

const PAGE_SIZE = 5;
type Candidate = ReviewQueueQuery['identityReviewCandidates']['nodes'][number];

/** The identity review queue: each pair side by side with its evidence; link, keep apart or defer, with a reason. */
export function IdentityReviewPage({ steward }: { steward: boolean }) {
  return (
    <StewardOnly steward={steward}>
      <IdentityReview />
    </StewardOnly>
  );
}

function IdentityReview() {
  const { t } = useI18n();
  const [page, setPage] = useState(firstPage);
  const queue = useHubQuery(ReviewQueueDocument, { first: PAGE_SIZE, after: page.after });
  const connection = queue.data?.data?.identityReviewCandidates;
  return (
    <Stack>
      <Title order={2}>{t('identity.title')}</Title>
      <HubErrors error={queue.error} errors={queue.data?.errors} />
      {queue.isPending && <Loader aria-label={t('common.loading')} />}
      {connection && <Text size="sm">{t('identity.count', { count: connection.totalCount })}</Text>}
      {connection?.nodes.length === 0 && <Text>{t('identity.empty')}</Text>}
      {connection?.nodes.map((c) => (
        <CandidateCard key={c.id} candidate={c} />
      ))}
      {connection && <Pager state={page} onChange={setPage} pageInfo={connection} total={connection.totalCount} pageSize={PAGE_SIZE} />}
    </Stack>
  );
}

function CandidateCard({ candidate }: { candidate: Candidate }) {
  const { t } = useI18n();
  const confirm = useHubMutation(ConfirmCandidateDocument);
  const reject = useHubMutation(RejectCandidateDocument);
  const defer = useHubMutation(DeferCandidateDocument);
  const busy = confirm.isPending || reject.isPending || defer.isPending;
  const result = confirm.data ?? reject.data ?? defer.data;
  const error = confirm.error ?? reject.error ?? defer.error;
  const [a, b] = candidate.records;
  const headingId = `candidate-${candidate.id}`;
  return (
    <Card withBorder component="section" aria-labelledby={headingId} data-testid="candidate">
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h5" id={headingId}>
          {t('identity.score', { score: candidate.score.toFixed(1) })}
        </Title>
        {candidate.reason && <Badge variant="light">{t(`identityReason.${candidate.reason}` as MessageKey)}</Badge>}
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        {[a, b].map((r, i) => (
          <Card key={i === 0 ? 'a' : 'b'} withBorder padding="xs" bg="gray.0">
            <Text fw={600} size="sm">
              {i === 0 ? t('identity.recordA') : t('identity.recordB')}
            </Text>
            {r ? (
              <Table withRowBorders={false} verticalSpacing={2}>
                <Table.Tbody>
                  <Row label={t('field.department')} value={r.department?.name} />
                  <Row label={t('field.localId')} value={r.localId} />
                  <Row label={t('field.name')} value={r.name} />
                  <Row label={t('field.phone')} value={r.phone} />
                  <Row label={t('field.address')} value={r.address} />
                </Table.Tbody>
              </Table>
            ) : (
              '—'
            )}
          </Card>
        ))}
      </SimpleGrid>
      <Table.ScrollContainer minWidth={360} mt="sm">
        <Table captionSide="top">
          <Table.Caption>{t('identity.evidence')}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('identity.field')}</Table.Th>
              <Table.Th>{t('identity.level')}</Table.Th>
              <Table.Th>{t('identity.weight')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {candidate.evidence.map((e) => (
              <Table.Tr key={e.field}>
                <Table.Td>{e.field}</Table.Td>
                <Table.Td>{e.level}</Table.Td>
                <Table.Td c={e.weight < 0 ? 'red' : undefined}>{e.weight.toFixed(1)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <HubErrors error={error} errors={result?.errors} />
      {result && !result.errors.length ? (
        <Text c="green" role="status">
          {t('identity.done')}
        </Text>
      ) : (
        <DecisionForm
          label={t('identity.reason')}
          busy={busy}
          actions={[
            { label: t('identity.link'), onClick: (reason) => confirm.mutate({ id: candidate.id, reason }) },
            { label: t('identity.keepApart'), color: 'red', variant: 'light', onClick: (reason) => reject.mutate({ id: candidate.id, reason }) },
            { label: t('identity.defer'), variant: 'default', onClick: (reason) => defer.mutate({ id: candidate.id, reason }) },
          ]}
        />
      )}
    </Card>
  );
}

function Row({ label, value }: { label: string; value: string | null | undefined }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" w={90} fw={400} c="dimmed">
        {label}
      </Table.Th>
      <Table.Td>{value ?? '—'}</Table.Td>
    </Table.Tr>
  );
}
