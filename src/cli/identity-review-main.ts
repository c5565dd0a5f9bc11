// `huitong identity review …`, started by bin/huitong.js without loading the hub: it talks to a running
// hub over HTTP, so it imports only what it uses (as `departments` does).
import { IDENTITY_REVIEW_USAGE, IdentityReviewUsageError, runIdentityReview } from './identity-review.js';
import { runLightCommand } from './light-entry.js';

runLightCommand((io) => runIdentityReview(process.argv.slice(4), io), IDENTITY_REVIEW_USAGE, IdentityReviewUsageError);
