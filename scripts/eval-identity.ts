// npm run eval:identity [-- --seed N --entities N --link-on-rare-name-alone]: generates a labelled evaluation set (its own
// noise model, seeded), resolves it and prints pairwise precision, recall, F1, fused entities and
// blocking recall.
import { parseArgs } from 'node:util';
import { generateEvaluationSet } from '../src/subgraphs/identity/resolution/evaluation-generator.js';
import { evaluateResolution } from '../src/subgraphs/identity/resolution/evaluation.js';
import { resolveIdentities } from '../src/subgraphs/identity/resolution/resolver.js';

const { values } = parseArgs({ options: { seed: { type: 'string' }, entities: { type: 'string' }, 'link-on-rare-name-alone': { type: 'boolean' } } });
const seed = Number(values.seed ?? 20240601);
const entities = Number(values.entities ?? 20000);
const set = generateEvaluationSet({ seed, entities });
const started = performance.now();
const linkOnRareNameAlone = values['link-on-rare-name-alone'] === true;
const result = resolveIdentities(set.records, { linkOnRareNameAlone });
const ms = performance.now() - started;
const r = evaluateResolution(set, result);
const f = (x: number) => x.toFixed(5);
process.stdout.write(
  [
    `identity resolution evaluation (seed ${seed}, ${r.entities} applicants, ${r.records} records${linkOnRareNameAlone ? ', linkOnRareNameAlone' : ''}, resolved in ${(ms / 1000).toFixed(2)} s)`,
    `  precision        ${f(r.precision)}  (${r.correctPairs} of ${r.predictedPairs} predicted pairs)`,
    `  recall           ${f(r.recall)}  (achievable true pairs; all pairs: ${f(r.recallAllPairs)})`,
    `  F1               ${f(r.f1)}`,
    `  fused entities   ${r.fusedEntities}  (clusters holding more than one true applicant; ${r.fusedEntitiesAchievable} without the excluded records below)`,
    `  blocking recall  ${f(r.blockingRecall)}`,
    `  clusters         ${r.clusters}  review candidates ${r.reviewCandidates}`,
    `  excluded         ${r.ambiguousRecords} records holding nothing but a name several applicants bear (${r.excludedTruePairs} of ${r.truePairs} true pairs)`,
    '',
  ].join('\n'),
);
