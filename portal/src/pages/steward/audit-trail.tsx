import { Badge, Button, Group, Loader, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useSearch } from 'wouter';
import { HubErrors } from '../../components/hub-errors';
import { firstPage, Pager } from '../../components/pager';
import { formatDateTime } from '../../format';
import { ApplicantByIdentifierDocument, ApplicantSummaryDocument, AuditTrailDocument } from '../../gql/graphql';
import { useHubQuery } from '../../hub-queries';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../messages-zh';
import { StewardOnly } from './steward-only';

const PAGE_SIZE = 20;
const OUTCOME_COLOUR = { RELEASED: 'green', PARTIAL: 'yellow', DENIED: 'red', FAILED: 'gray' } as const;

/** A person's audit trail: who read or was refused their data, and what stewards did to their records. */
export function AuditTrailPage({ steward }: { steward: boolean }) {
  return (
    <StewardOnly steward={steward}>
      <AuditTrail />
    </StewardOnly>
  );
}

function AuditTrail() {
  const { t } = useI18n();
  // An applicant's opaque id may come from its page; an identifier typed here never goes into the URL.
  const fromLink = new URLSearchParams(useSearch()).get('applicant');
  const [draft, setDraft] = useState('');
  const [identifier, setIdentifier] = useState('');
  const lookup = useHubQuery(ApplicantByIdentifierDocument, { value: identifier }, { enabled: identifier !== '' });
  const applicantId = identifier ? (lookup.data?.data?.applicantByIdentifier?.id ?? null) : fromLink;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setIdentifier(draft.trim());
  };
  return (
    <Stack>
      <Title order={2}>{t('audit.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('audit.intro')}
      </Text>
      <form onSubmit={onSubmit}>
        <Group align="flex-end" wrap="nowrap">
          <TextInput
            style={{ flex: 1 }}
            maw={420}
            label={t('audit.identifier')}
            value={draft}
            onChange={(e) => setDraft(e.currentTarget.value)}
            maxLength={64}
            autoComplete="off"
          />
          <Button type="submit" disabled={draft.trim() === ''}>
            {t('audit.find')}
          </Button>
        </Group>
      </form>
      <HubErrors error={lookup.error} errors={lookup.data?.errors} />
      {identifier !== '' && lookup.isSuccess && !lookup.data.data?.applicantByIdentifier && !lookup.data.errors.length && <Text>{t('audit.notFound')}</Text>}
      {applicantId && <Trail key={applicantId} applicantId={applicantId} />}
    </Stack>
  );
}

function Trail({ applicantId }: { applicantId: string }) {
  const { t, language } = useI18n();
  const [page, setPage] = useState(firstPage);
  const summary = useHubQuery(ApplicantSummaryDocument, { id: applicantId });
  const trail = useHubQuery(AuditTrailDocument, { applicantId, first: PAGE_SIZE, after: page.after });
  const events = trail.data?.data?.auditEvents;
  const actions = trail.data?.data?.identityActions ?? [];
  return (
    <Stack>
      <Title order={3} size="h4" data-testid="audit-subject">
        {summary.data?.data?.applicant?.name ?? '—'}
      </Title>
      <HubErrors error={trail.error} errors={trail.data?.errors} />
      {trail.isPending && <Loader aria-label={t('common.loading')} />}
      <Title order={4} size="h5">
        {t('audit.events')}
      </Title>
      {events?.nodes.length === 0 && <Text>{t('audit.none')}</Text>}
      {events && events.nodes.length > 0 && (
        <Table.ScrollContainer minWidth={800}>
          <Table striped data-testid="audit-events">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('audit.at')}</Table.Th>
                <Table.Th>{t('audit.consumer')}</Table.Th>
                <Table.Th>{t('audit.operation')}</Table.Th>
                <Table.Th>{t('access.purpose')}</Table.Th>
                <Table.Th>{t('audit.outcome')}</Table.Th>
                <Table.Th>{t('audit.released')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {events.nodes.map((e) => (
                <Table.Tr key={e.seq}>
                  <Table.Td>{formatDateTime(e.at, language)}</Table.Td>
                  <Table.Td>{e.consumerId}</Table.Td>
                  <Table.Td>{e.operationName ?? '—'}</Table.Td>
                  <Table.Td>{e.purpose}</Table.Td>
                  <Table.Td>
                    <Badge color={OUTCOME_COLOUR[e.outcome]} variant="light">
                      {t(`outcome.${e.outcome}` as MessageKey)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {e.released.map((r) => (
                      <Text key={r.department.code} size="xs">
                        {r.department.name}: {[...r.clearFields, ...r.maskedFields.map((f) => `${f}*`)].join(', ') || '—'}
                      </Text>
                    ))}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {events && <Pager state={page} onChange={setPage} pageInfo={events.pageInfo} pageSize={PAGE_SIZE} />}
      <Title order={4} size="h5">
        {t('audit.actions')}
      </Title>
      {actions.length === 0 ? (
        <Text>{t('audit.none')}</Text>
      ) : (
        actions.map((a) => (
          <Text key={a.id} size="sm">
            {formatDateTime(a.at, language)} · {a.action} · {a.steward}: {a.reason}
          </Text>
        ))
      )}
    </Stack>
  );
}
