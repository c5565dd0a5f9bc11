import type { HubDatabase } from '../../storage/index.js';

/**
 * The hub database as this subgraph sees it: `HubDatabase` plus the grant columns migration
 * `2026-11-26T1300-governance-workflow` adds (who revoked a grant and why). Kept here rather than in
 * `storage/hub-database.ts` until the storage row types take them over.
 */
export interface GovernanceDatabase extends Omit<HubDatabase, 'grants'> {
  grants: HubDatabase['grants'] & { revoked_by: string | null; revoke_reason: string | null };
}

export type AccessRequestRow = Omit<GovernanceDatabase['access_requests'], 'id' | 'status' | 'submitted_at' | 'fields' | 'due_on'> & {
  id: number;
  status: string;
  submitted_at: Date;
  fields: string[];
  due_on: string;
};

export type GrantRow = Omit<GovernanceDatabase['grants'], 'id' | 'created_at' | 'fields'> & { id: number; created_at: Date; fields: string[] };
