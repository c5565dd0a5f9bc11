import * as OpenCC from 'opencc-js/cn2t';
import { pinyin } from 'pinyin-pro';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';

/**
 * `searchOrganizations`: what the portal's applicant search asks. Organisations are found by part of the
 * name in simplified or traditional characters, by its pinyin or initials, and by identifier, for anyone;
 * natural persons never, whoever asks (a person is found by identifier, under the field policy).
 */
const SEARCH = /* GraphQL */ `
  query Search($text: String!, $first: Int) {
    searchOrganizations(text: $text, first: $first) { id kind name }
  }
`;
const PUBLIC = { authorization: '' };
const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });

interface Known {
  id: string;
  kind: string;
  name: string;
  identifiers: Array<{ type: string; value: string }>;
}

for (const backend of backends) {
  describe(`searchOrganizations (${backend.name})`, () => {
    let hub: DemoHub;
    let organisation: Known;
    let person: Known;

    beforeAll(async () => {
      hub = await startDemoHub(backend, { scale: 0.2 });
      // What the steward sees of the applicants behind the newest permits: one organisation with a USCC
      // and a name long enough to search by part of it, and one natural person.
      const listed = await hub.query<{ permits: { nodes: Array<{ applicant: Known | null }> } }>(
        '{ permits(first: 200) { nodes { applicant { id kind name identifiers { type value } } } } }',
      );
      const applicants = listed.data!.permits.nodes.map((n) => n.applicant).filter((a): a is Known => a !== null);
      organisation = applicants.find((a) => a.kind === 'ORGANIZATION' && a.name.length >= 6 && a.identifiers.some((i) => i.type === 'USCC'))!;
      person = applicants.find((a) => a.kind === 'PERSON')!;
      expect(organisation).toBeDefined();
      expect(person).toBeDefined();
    });
    afterAll(async () => {
      await hub?.stop();
    });

    const search = async (text: string, first?: number, headers = PUBLIC) =>
      hub.query<{ searchOrganizations: Array<{ id: string; kind: string; name: string }> }>(SEARCH, { text, first }, headers);
    const ids = (body: Awaited<ReturnType<typeof search>>) => body.data!.searchOrganizations.map((o) => o.id);

    it('finds an organisation by part of its name, for the public', async () => {
      const part = organisation.name.slice(2, 6);
      const body = await search(part, 50);
      expect(body.errors).toBeUndefined();
      expect(ids(body)).toContain(organisation.id);
      for (const o of body.data!.searchOrganizations) expect(o.name.replace(/\s/g, '')).toContain(part);
    });

    it('finds it by the same part written in traditional characters', async () => {
      const part = organisation.name.slice(2, 6);
      const traditional = toTraditional(part);
      const body = await search(traditional, 50);
      expect(ids(body)).toContain(organisation.id);
    });

    it('finds it by pinyin and by pinyin initials', async () => {
      const part = organisation.name.slice(0, 4);
      const syllables = pinyin(part, { toneType: 'none', type: 'array' }) as string[];
      expect(ids(await search(syllables.join(''), 50))).toContain(organisation.id);
      expect(ids(await search(syllables.join(' '), 50))).toContain(organisation.id);
      expect(ids(await search(syllables.map((s) => s[0]).join(''), 50))).toContain(organisation.id);
    });

    it('finds it by its USCC, in lower case too, first', async () => {
      const uscc = organisation.identifiers.find((i) => i.type === 'USCC')!.value;
      expect(ids(await search(uscc))[0]).toBe(organisation.id);
      expect(ids(await search(uscc.toLowerCase()))[0]).toBe(organisation.id);
    });

    it('never returns a natural person, not even to the steward, and not by their resident ID', async () => {
      const residentId = person.identifiers.find((i) => i.type === 'RESIDENT_ID');
      for (const headers of [PUBLIC, { authorization: 'Bearer demo-steward-key' }]) {
        const byName = await search(person.name, 50, headers);
        expect(byName.errors).toBeUndefined();
        expect(ids(byName)).not.toContain(person.id);
        expect(byName.data!.searchOrganizations.every((o) => o.kind === 'ORGANIZATION')).toBe(true);
        if (residentId) expect((await search(residentId.value, 50, headers)).data!.searchOrganizations).toEqual([]);
      }
    });

    it('answers a bad page size or blank text with BAD_USER_INPUT', async () => {
      const tooMany = await search('公司', 51);
      expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const blank = await search('   ');
      expect(blank.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect((await search('公司', 3)).data!.searchOrganizations.length).toBeLessThanOrEqual(3);
    });
  });
}
