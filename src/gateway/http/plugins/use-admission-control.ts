import { type AdmissionDeps, type AdmissionSettings, admissionControl } from '../admission-control.js';
import type { HubPlugin } from './hub-plugin.js';

/**
 * Admission control on /graphql (`admission-control.ts`): requests in flight and queued, event-loop
 * delay; 503 with `Retry-After` beyond, before any other work.
 *
 * @example
 * const plugins = [useAdmissionControl(DEFAULT_ADMISSION, { logger, server, registry })];
 */
export const useAdmissionControl = (settings: AdmissionSettings, deps: AdmissionDeps): HubPlugin => ({
  graphql: [admissionControl(settings, deps)],
});
