// `npm run build:templates` (part of `npm run build`, so of `npm install`): what a first `npm start`
// would otherwise make at run time — see src/demo/start-templates.ts. Runs the compiled code in dist/.
import { buildStartTemplates, START_TEMPLATES_DIR } from '../dist/demo/start-templates.js';

const started = performance.now();
await buildStartTemplates();
process.stderr.write(`start templates built in ${START_TEMPLATES_DIR} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
