import type { ColumnType, Generated } from 'kysely';

/** What a conditional-sharing request asks for and the grant it becomes: the same terms, column for column. */
interface SharingTerms {
  consumer_id: string;
  department_code: string;
  fields: ColumnType<string[], string, string>;
  purpose: string;
  legal_basis: string;
  clear_text: boolean;
  valid_from: Date;
  valid_until: Date;
}

/** Row types of the hub's own database (not the departments' legacy stores). */
export interface HubDatabase {
  departments: {
    code: string;
    name: string;
    adapter_kind: string;
    /** Connection settings; may hold secrets, so it is never returned by the API or logged. */
    connection: ColumnType<Record<string, unknown>, string, string>;
    url: string | null;
    last_synced_at: Date | null;
    created_at: Generated<Date>;
    /** The active version in `department_specs`; null for a department without a spec (the catalogue). */
    spec_version: number | null;
    enabled: Generated<boolean>;
    updated_at: Generated<Date>;
  };
  department_specs: {
    code: string;
    version: number;
    spec: ColumnType<Record<string, unknown>, string, string>;
    created_at: Generated<Date>;
    created_by: string;
    note: string | null;
  };
  registry_state: {
    id: number;
    generation: ColumnType<string | number, number, number>;
  };
  service_items: {
    code: string;
    name: string;
    department_code: string;
    category: string;
    statutory_days: number | null;
    committed_days: number | null;
    instant: boolean;
    legal_basis: string | null;
  };
  disclosure_items: {
    id: string;
    title: string;
    category: string;
    publisher_code: string;
    published_at: ColumnType<Date, string | Date, string | Date>;
    body: string;
    mode: string;
    /** The title's and body's words as the catalogue's segmenter cut them; null until indexed. */
    title_tokens: string | null;
    body_tokens: string | null;
    /** Derived by the database from the tokens (tsvector, GIN-indexed); never written. */
    search_vector: ColumnType<string, never, never>;
  };
  applicants: {
    id: string;
    kind: string;
    name: string;
    merged_into: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  applicant_records: {
    department_code: string;
    local_id: string;
    applicant_id: string;
    kind: string | null;
    name: string;
    identifiers: ColumnType<Array<{ type: string; value: string }>, string, string>;
    /** Contact data as the department stores it: personal data, never logged, masked by the gateway. */
    phone: string | null;
    address: string | null;
    synced_at: Generated<Date>;
  };
  applicant_identifiers: { type: string; value: string; applicant_id: string };
  /** Moved by every write to applicants, applicant_records and applicant_identifiers (triggers): what crosswalk caches check. */
  crosswalk_version: { id: number; version: number };
  /** How many disclosure items hold each word of the search index (kept by triggers). */
  disclosure_word_counts: { word: string; n: number };
  working_days: { day: string; working: boolean; note: string | null };
  consumers: { id: string; name: string; kind: string; department_code: string | null; created_at: Generated<Date> };
  identity_review_candidates: {
    id: Generated<number>;
    a_department: string;
    a_local_id: string;
    b_department: string;
    b_local_id: string;
    score: number;
    evidence: ColumnType<unknown[], string, string>;
    status: ColumnType<string, string | undefined, string>;
    created_at: Generated<Date>;
    /** Why the resolver did not link the pair (name-only, below-threshold, rival-bearers, contradicted); null on rows older than the column. */
    reason: string | null;
    /** Records holding the shared name (0 when the names differ). */
    name_holders: number | null;
    /** The two clusters compared as wholes, bits. */
    cluster_score: number | null;
    /** Queue order, highest first (contradicted pairs sort last). */
    priority: number | null;
    /** The two clusters' members and compared fields when proposed; a rejection keeps it with the separation. */
    clusters_signature: string | null;
  };
  identity_pins: { department_code: string; local_id: string; applicant_id: string; action_id: number };
  identity_separations: {
    a_department: string;
    a_local_id: string;
    b_department: string;
    b_local_id: string;
    action_id: number;
    /** The two clusters' signature when kept apart: proposed again only once it differs (null: never). */
    clusters_signature: ColumnType<string | null, string | null | undefined, string | null>;
  };
  /** Named facts about how stored data was computed (e.g. `identity.classification`: the classifier's version). */
  hub_markers: { name: string; value: string; updated_at: Generated<Date> };
  /** Records whose identifier may be a person's number, left undecided: OPEN, or the kind a steward settled. */
  identity_kind_reviews: {
    department_code: string;
    local_id: string;
    status: ColumnType<string, string | undefined, string>;
    action_id: number | null;
    created_at: Generated<Date>;
  };
  identity_actions: {
    id: Generated<number>;
    action: string;
    steward: string;
    reason: string;
    applicant_ids: ColumnType<string[], string, string>;
    records: ColumnType<Array<{ department: string; localId: string }>, string, string>;
    created_at: Generated<Date>;
  };
  purposes: { code: string; description: string; created_at: Generated<Date> };
  access_requests: SharingTerms & {
    id: Generated<number>;
    /** The id clients see (a random UUID): serial ids would let one seen id give its neighbours away. */
    public_id: string;
    status: ColumnType<string, string | undefined, string>;
    submitted_at: Generated<Date>;
    due_on: ColumnType<string, string, string>;
    decided_at: Date | null;
    decided_by: string | null;
    decision_reason: string | null;
  };
  grants: SharingTerms & {
    id: Generated<number>;
    request_id: number | null;
    revoked_at: Date | null;
    created_at: Generated<Date>;
  };
  api_keys: { id: string; consumer_id: string; key_hash: string; prefix: string; created_at: Generated<Date>; revoked_at: Date | null };
}
