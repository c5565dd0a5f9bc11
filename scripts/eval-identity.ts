// npm run eval:identity [-- --seed N --entities N --noisy --link-on-rare-name-alone]: generates a labelled evaluation
// set (its own noise model, seeded; --noisy: more typos, more missing identifiers), resolves it and
// prints pairwise precision, recall, F1, fused entities, blocking recall and the review queue's figures
// (recall once a steward links its true candidates, its size, how early the true ones come).
import { parseArgs } from 'node:util';
import { evaluateResolution, generateEvaluationSet, resolveIdentities } from '../src/identity-resolution/index.js';

const { values } = parseArgs({
  options: { seed: { type: 'string' }, entities: { type: 'string' }, noisy: { type: 'boolean' }, 'link-on-rare-name-alone': { type: 'boolean' } },
});
const seed = Number(values.seed ?? 20240601);
const entities = Number(values.entities ?? 20000);
const noise = values.noisy === true ? 'noisy' : 'default';
const set = generateEvaluationSet({ seed, entities, noise });
const started = performance.now();
const linkOnRareNameAlone = values['link-on-rare-name-alone'] === true;
const result = resolveIdentities(set.records, { linkOnRareNameAlone });
const ms = performance.now() - started;
const r = evaluateResolution(set, result);
const f = (x: number) => x.toFixed(5);
process.stdout.write(
  [
    `identity resolution evaluation (seed ${seed}, ${r.entities} applicants, ${r.records} records, ${noise} noise${linkOnRareNameAlone ? ', linkOnRareNameAlone' : ''}, resolved in ${(ms / 1000).toFixed(2)} s)`,
    `  precision        ${f(r.precision)}  (${r.correctPairs} of ${r.predictedPairs} predicted pairs)`,
    `  recall           ${f(r.recall)}  (achievable true pairs; all pairs: ${f(r.recallAllPairs)})`,
    `  F1               ${f(r.f1)}`,
    `  fused entities   ${r.fusedEntities}  (clusters holding more than one true applicant; ${r.fusedEntitiesAchievable} without the excluded records below)`,
    `  blocking recall  ${f(r.blockingRecall)}`,
    `  clusters         ${r.clusters}  review candidates ${r.reviewCandidates} (${(100 * r.reviewCandidateShare).toFixed(2)} % of records, ${r.trueCandidates} true)`,
    `  recall + queue   ${f(r.recallWithCandidates)}  (automatic links plus every true candidate linked by a steward)`,
    `  queue order      ${(100 * r.trueCandidatesInFirstHalf).toFixed(1)} % of the true candidates in the first half (the best order: ${(100 * r.trueCandidatesInFirstHalfBest).toFixed(1)} %)`,
    `  excluded         ${r.ambiguousRecords} records holding nothing but a name several applicants bear (${r.excludedTruePairs} of ${r.truePairs} true pairs)`,
    '',
  ].join('\n'),
);
