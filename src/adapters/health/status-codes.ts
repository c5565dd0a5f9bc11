import type { PermitStatus } from '../../schema/model.js';

/** The export's 状态 texts against the unified statuses; any other text is UNKNOWN, kept as rawStatus. */
export const healthStatusCodes: Readonly<Partial<Record<PermitStatus, readonly string[]>>> = {
  SUBMITTED: ['已提交'],
  ACCEPTED: ['已受理'],
  UNDER_REVIEW: ['审查中'],
  APPROVED: ['准予许可'],
  REJECTED: ['不予许可'],
  WITHDRAWN: ['已撤回'],
  REVOKED: ['已撤销'],
  EXPIRED: ['已过期'],
};
