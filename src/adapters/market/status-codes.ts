import type { PermitStatus } from '../../schema/model.js';

/** The system's status code table (zt_dm) against the unified statuses. */
export const marketStatusCodes: Readonly<Partial<Record<PermitStatus, readonly string[]>>> = {
  SUBMITTED: ['01'],
  ACCEPTED: ['02'],
  UNDER_REVIEW: ['03'],
  APPROVED: ['04'],
  REJECTED: ['05'],
  WITHDRAWN: ['06'],
  REVOKED: ['07'],
  EXPIRED: ['08'],
};
