import type { PermitStatus } from '../../schema/model.js';

/**
 * The API's numeric `statusCode`s, as the decimal strings the core passes around as raw codes.
 * 10 提交 · 20 受理 · 30 审核中 · 40 核准 · 50 不予核准 · 60 撤回 · 70 吊销 · 80 过期; any other is UNKNOWN.
 */
export const housingStatusCodes: Readonly<Partial<Record<PermitStatus, readonly string[]>>> = {
  SUBMITTED: ['10'],
  ACCEPTED: ['20'],
  UNDER_REVIEW: ['30'],
  APPROVED: ['40'],
  REJECTED: ['50'],
  WITHDRAWN: ['60'],
  REVOKED: ['70'],
  EXPIRED: ['80'],
};
