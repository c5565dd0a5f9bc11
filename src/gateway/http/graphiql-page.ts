import { renderGraphiQL } from '@graphql-yoga/render-graphiql';

let cached: string | undefined;

/**
 * The GraphQL IDE, rendered once with every script, style and worker inlined: government networks are
 * often isolated, so the page loads nothing from a CDN.
 */
export function graphiqlPage(): string {
  cached ??= renderGraphiQL({
    title: 'Huitong 汇通 — GraphQL',
    endpoint: '/graphql',
    defaultQuery: `# 汇通: one endpoint over every department's approval system.
# Try: an organisation's permits in every department, whatever form its identifier was stored in.
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
}`,
  } as Parameters<typeof renderGraphiQL>[0]);
  return cached;
}
