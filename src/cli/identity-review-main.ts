// `huitong identity review …`, started by bin/huitong.js without loading the hub: it talks to a running
// hub over HTTP, so it imports only what it uses (as `departments` does).
import { DEMO_CREDENTIALS } from '../gateway/auth/demo-credentials.js';
import { IDENTITY_REVIEW_USAGE, IdentityReviewUsageError, runIdentityReview } from './identity-review.js';

const demo = !(process.env.HUITONG_DEMO === '0' || process.env.NODE_ENV === 'production');
const demoKey = demo ? DEMO_CREDENTIALS.find((c) => c.kind === 'STEWARD')?.key : undefined;

runIdentityReview(process.argv.slice(4), { stdout: process.stdout, stderr: process.stderr, env: process.env, ...(demoKey ? { demoKey } : {}) }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof IdentityReviewUsageError) {
      process.stderr.write(`huitong: ${error.message}\n${IDENTITY_REVIEW_USAGE}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`huitong: ${(error as Error).message}\n`);
      process.exitCode = 1;
    }
  },
);
