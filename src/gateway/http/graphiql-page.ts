import { renderGraphiQL } from '@graphql-yoga/render-graphiql';

/**
 * 广州市和兴体育发展有限公司: an organisation of the demo district with permits in all three departments (the
 * generator is deterministic, so it is there on every demo start).
 */
export const DEMO_APPLICANT_IDENTIFIER = '91440105449136864Y';

/** The query the IDE opens with; its variable `id` is filled with {@link DEMO_APPLICANT_IDENTIFIER}. */
export const GRAPHIQL_DEFAULT_QUERY = `# 汇通: one endpoint over every department's approval system.
# Try: an organisation's permits in every department, whatever form its identifier was stored in.
# Press ▶ to run it; change "id" in Variables below to another USCC, organisation code or resident ID.
query Applicant360($id: String!) {
  applicantByIdentifier(value: $id) {
    name
    kind
    identifiers { type value }
    records { department { code name } localId }
    permits(first: 20) {
      totalCount
      nodes { title status rawStatus appliedAt department { name } serviceItem { name category } }
    }
  }
}`;

const cached = new Map<boolean, string>();

/**
 * The GraphQL IDE, rendered once with every script, style and worker inlined: government networks are
 * often isolated, so the page loads nothing from a CDN. It opens with a query that runs as it is: its
 * variables filled in with a demo applicant, and — in demo mode only — the demo steward's key in the
 * headers (outside demo mode no key is preset: a real key is the user's to give).
 *
 * @example
 * res.type('html').send(graphiqlPage({ demo: true }));
 */
export function graphiqlPage({ demo }: { demo: boolean }): string {
  let page = cached.get(demo);
  if (page === undefined) {
    const headers = JSON.stringify(demo ? { Authorization: 'Bearer demo-steward-key' } : {}, null, 2);
    const variables = JSON.stringify({ id: DEMO_APPLICANT_IDENTIFIER }, null, 2);
    page = renderGraphiQL({
      title: 'Huitong 汇通 — GraphQL',
      endpoint: '/graphql',
      defaultQuery: GRAPHIQL_DEFAULT_QUERY,
      defaultTabs: [{ query: GRAPHIQL_DEFAULT_QUERY, variables, headers }],
      headers,
      defaultEditorToolsVisibility: true,
    } as Parameters<typeof renderGraphiQL>[0]);
    cached.set(demo, page);
  }
  return page;
}
