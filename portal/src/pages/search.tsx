import { Anchor, Badge, Button, Card, Group, Loader, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { HubErrors } from '../components/hub-errors';
import { ApplicantByIdentifierDocument, SearchOrganizationsDocument } from '../gql/graphql';
import { useHubQuery } from '../hub-queries';
import { useI18n } from '../i18n';

/** Shaped like an identifier (USCC, organisation code, resident ID, in any common writing): also look it up as one. */
const looksLikeIdentifier = (text: string) => /^[0-9A-Za-z０-９Ａ-Ｚａ-ｚ\s-]{8,24}$/.test(text) && /\d/.test(text);

/** The search the search box last submitted, kept in history state (not the URL: it may be a personal identifier). */
function useSubmittedText(): [string, (text: string) => void] {
  const [text, setText] = useState<string>(() => (history.state as { search?: string } | null)?.search ?? '');
  const submit = (next: string) => {
    history.replaceState({ ...(history.state as object | null), search: next }, '');
    setText(next);
  };
  return [text, submit];
}

/** Applicant search: organisations by name or code for everyone; a person by identifier where the policy allows. */
export function SearchPage() {
  const { t } = useI18n();
  const [draft, setDraft] = useState(() => (history.state as { search?: string } | null)?.search ?? '');
  const [text, submit] = useSubmittedText();
  const organisations = useHubQuery(SearchOrganizationsDocument, { text, first: 20 }, { enabled: text !== '' });
  const byIdentifier = useHubQuery(ApplicantByIdentifierDocument, { value: text }, { enabled: text !== '' && looksLikeIdentifier(text) });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit(draft.trim());
  };
  const found = organisations.data?.data?.searchOrganizations ?? [];
  const identified = byIdentifier.data?.data?.applicantByIdentifier;
  const extra = identified && !found.some((o) => o.id === identified.id) ? identified : null;
  const loading = organisations.isFetching || byIdentifier.isFetching;

  return (
    <Stack maw={900}>
      <Title order={2}>{t('search.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('search.intro')}
      </Text>
      <search>
        <form onSubmit={onSubmit}>
          <Group align="flex-end" wrap="nowrap">
            <TextInput
              style={{ flex: 1 }}
              label={t('search.label')}
              placeholder={t('search.placeholder')}
              value={draft}
              onChange={(e) => setDraft(e.currentTarget.value)}
              maxLength={100}
              name="search"
              autoComplete="off"
            />
            <Button type="submit" disabled={draft.trim() === ''}>
              {t('search.submit')}
            </Button>
          </Group>
        </form>
      </search>
      {/* Refusals of the identifier lookup say nothing the user can act on beyond "not found or not allowed". */}
      <HubErrors error={organisations.error} errors={organisations.data?.errors} />
      {loading && <Loader size="sm" aria-label={t('common.loading')} />}
      {text !== '' && !loading && (
        <Stack gap="xs" data-testid="search-results" aria-live="polite">
          {(found.length > 0 || extra) && <Text size="sm">{t('search.results', { count: found.length + (extra ? 1 : 0) })}</Text>}
          {extra && (
            <Card withBorder padding="sm">
              <Group justify="space-between">
                <Anchor component={Link} href={`/applicant/${encodeURIComponent(extra.id)}`}>
                  {extra.name ?? '—'}
                </Anchor>
                <Badge variant="light">{t('search.byIdentifier')}</Badge>
              </Group>
            </Card>
          )}
          {found.map((o) => (
            <Card key={o.id} withBorder padding="sm">
              <Anchor component={Link} href={`/applicant/${encodeURIComponent(o.id)}`} fw={500}>
                {o.name}
              </Anchor>
              <Text size="xs" c="dimmed">
                {(o.identifiers ?? []).map((i) => `${i.type}: ${i.value}`).join(' · ')}
              </Text>
            </Card>
          ))}
          {found.length === 0 && !extra && <Text>{looksLikeIdentifier(text) ? t('search.identifierHidden') : t('search.none')}</Text>}
        </Stack>
      )}
    </Stack>
  );
}
