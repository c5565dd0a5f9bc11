/** Who is asking: a department, a public portal, or a data steward. No credential at all is the public. */
export type ConsumerKind = 'DEPARTMENT' | 'PORTAL' | 'STEWARD';

export interface Consumer {
  id: string;
  name: string;
  kind: ConsumerKind;
  /** The department a DEPARTMENT consumer belongs to: it always sees its own data. */
  departmentCode: string | null;
}

export const CONSUMER_KINDS: readonly ConsumerKind[] = ['DEPARTMENT', 'PORTAL', 'STEWARD'];
