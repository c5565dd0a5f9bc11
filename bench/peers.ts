// `npm run bench:peers [-- --scale N] [--duration S] [--rounds N] [--warmup S] [--connections N]
//   [--workloads a,b] [--profile]`
// Huitong's gateway, @apollo/gateway 2.14 and Hive Gateway over the very same department subgraph
// processes and data: req/s and p99 for each in one run, targets alternated round by round. The peers
// live in bench/peers/ with their own package.json, installed here when missing. Writes
// bench/results/peers-latest.md and peers-latest.json. See bench/README.md#peer-gateways.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { catalogueFederationSdl, departmentFederationSdl, identityFederationSdl } from '../src/subgraphs/federation/index.js';
import { summarize } from './lib/cpuprofile.js';
import { benchServiceKeyEnv, copyStores, DEPARTMENTS, graphql, prepareData, startHousing, startSubgraph } from './lib/harness.js';
import { LoadGenerator } from './lib/load-generator.js';
import { median } from './lib/median.js';
import { type PeerWorkload, peerWorkloads } from './lib/peer-workloads.js';
import { askChild, BENCH_DIR, type Child, memoryMb, resetPeak, startChild, stopAll } from './lib/proc.js';
import { demoPaths } from '../src/demo/demo-district.js';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '5' },
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    workloads: { type: 'string' },
    profile: { type: 'boolean', default: false },
  },
});
const config = {
  scale: Number(values.scale),
  durationS: Number(values.duration),
  rounds: Number(values.rounds),
  warmupS: Number(values.warmup),
  connections: Number(values.connections),
};
const PEERS_DIR = join(BENCH_DIR, 'peers');
const runId = new Date().toISOString().replace(/[:.]/g, '-');
const logDir = join(BENCH_DIR, 'logs', `peers-${runId}`);
const say = (m: string) => process.stderr.write(`[peers ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

type TargetName = 'huitong' | 'huitong-merged' | 'apollo-gateway' | 'hive-gateway';
interface Target {
  name: TargetName;
  url: string;
  /** The processes that are this gateway (the subgraph processes are shared and counted apart). */
  process: Child;
  bodies(w: PeerWorkload): string[];
}
interface Sample {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  errorSample: string | null;
  gatewayPeakRssMb: number;
}

/** The peers' own packages, installed from their lock file the first time. */
function ensurePeersInstalled(): void {
  if (existsSync(join(PEERS_DIR, 'node_modules', '@apollo', 'gateway')) && existsSync(join(PEERS_DIR, 'node_modules', '@graphql-hive', 'gateway'))) return;
  say('installing the peer gateways in bench/peers (npm ci, once)…');
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: PEERS_DIR, stdio: 'inherit' });
  if (npm.status !== 0) throw new Error('npm ci in bench/peers failed');
}

async function main() {
  ensurePeersInstalled();
  mkdirSync(logDir, { recursive: true });
  say(
    `scale ${config.scale}, ${config.rounds} round(s) × ${config.durationS} s, warm-up ${config.warmupS} s, ${config.connections} connections; logs in ${relative(process.cwd(), logDir)}`,
  );
  const { dir, fixtures } = await prepareData(config.scale, logDir, say);
  const workloads = peerWorkloads(fixtures).filter((w) => !values.workloads || values.workloads.split(',').includes(w.name));
  const load = new LoadGenerator();
  const children: Child[] = [];
  const start = async <T extends Child>(child: Promise<T>) => {
    const c = await child;
    children.push(c);
    return c;
  };
  try {
    await load.ready;
    const housing = await start(startHousing(dir, logDir));
    const stores = copyStores(dir, 'peers');
    const identityStores = copyStores(dir, 'peers-identity');
    const env = {
      ...benchServiceKeyEnv(dir),
      NODE_ENV: 'production',
      HUITONG_MARKET_DB_URL: `file:${stores.market}`,
      HUITONG_HOUSING_API_URL: housing.ready.url as string,
      HUITONG_HEALTH_EXPORT_DIR: demoPaths(join(dir, 'base')).healthDir,
    };
    const long = { logDir, readyTimeoutMs: 60 * 60 * 1000, env };
    // The subgraph processes every gateway shares: the departments, then identity and catalogue (for the peers;
    // Huitong's gateway runs those two in its own process, as it is deployed).
    const departments: Child[] = [];
    for (const code of DEPARTMENTS) departments.push(await start(startSubgraph(code, env, logDir)));
    const hubSubgraphs = await start(startChild('identity-catalogue', join(BENCH_DIR, 'targets/hub-subgraphs.ts'), ['--hub-dir', identityStores.hub], long));
    const departmentUrls = DEPARTMENTS.map((code, i) => [code, departments[i]!.ready.url as string] as const);

    const services = [
      ...departmentUrls.map(([code, url]) => ({ name: code, url: url.replace(/\/graphql$/, '/federation'), typeDefs: parse(departmentFederationSdl(code)) })),
      { name: 'identity', url: hubSubgraphs.ready.identity as string, typeDefs: parse(identityFederationSdl(DEPARTMENTS)) },
      { name: 'catalogue', url: hubSubgraphs.ready.catalogue as string, typeDefs: parse(catalogueFederationSdl) },
    ];
    const composed = composeServices(services);
    if (composed.errors) throw new Error(`composition failed: ${composed.errors.map((e) => e.message).join('; ')}`);
    const supergraphFile = join(logDir, 'supergraph.graphql');
    writeFileSync(supergraphFile, composed.supergraphSdl);

    const hub = await start(
      startChild(
        'huitong-gateway',
        join(BENCH_DIR, 'targets/hub.ts'),
        ['--mode', 'http', '--hub-dir', stores.hub, '--urls', departmentUrls.map(([c, u]) => `${c}=${u}`).join(',')],
        long,
      ),
    );
    const apollo = await start(startChild('apollo-gateway', join(PEERS_DIR, 'apollo.ts'), [supergraphFile], long));
    const names = Object.fromEntries(services.map((s) => [s.url, s.name]));
    const hive = await start(startChild('hive-gateway', join(PEERS_DIR, 'hive.ts'), [supergraphFile, JSON.stringify(names)], long));
    const targets: Target[] = [
      { name: 'huitong', url: hub.ready.url as string, process: hub, bodies: (w) => w.hub },
      { name: 'apollo-gateway', url: apollo.ready.url as string, process: apollo, bodies: (w) => w.federation },
      { name: 'hive-gateway', url: hive.ready.url as string, process: hive, bodies: (w) => w.federation },
      { name: 'huitong-merged', url: hub.ready.url as string, process: hub, bodies: (w) => w.hubMerged },
    ];
    say(`ready: ${targets.map((t) => `${t.name} ${t.url}`).join(', ')}`);

    // Every gateway gives the same JSON for the per-department form (each workload's first three requests).
    for (const w of workloads) {
      for (let i = 0; i < 3; i++) {
        const answers = await Promise.all(targets.filter((t) => t.name !== 'huitong-merged').map((t) => graphql(t.url, t.bodies(w)[i]!)));
        for (const [j, a] of answers.entries()) {
          if (a.status !== 200 || a.json?.errors)
            throw new Error(`${w.name} on ${targets[j]!.name}: HTTP ${a.status} ${JSON.stringify(a.json?.errors ?? a.json).slice(0, 600)}`);
        }
        const reference = JSON.stringify(answers[0]!.json.data);
        for (const [j, a] of answers.entries()) {
          if (JSON.stringify(a.json.data) !== reference) {
            const [mine, theirs] = [join(logDir, `${w.name}-huitong.json`), join(logDir, `${w.name}-${targets[j]!.name}.json`)];
            writeFileSync(mine, JSON.stringify(answers[0]!.json.data, null, 1));
            writeFileSync(theirs, JSON.stringify(a.json.data, null, 1));
            throw new Error(`${w.name}: ${targets[j]!.name} answers differently from huitong (request ${i}): diff ${mine} ${theirs}`);
          }
        }
      }
      const merged = await graphql(hub.ready.url as string, w.hubMerged[0]!);
      if (merged.status !== 200 || merged.json?.errors)
        throw new Error(`${w.name} (merged form) on huitong: ${JSON.stringify(merged.json?.errors).slice(0, 600)}`);
    }
    say('responses checked: huitong, apollo-gateway and hive-gateway return the same JSON for every workload');

    const measure = async (t: Target, w: PeerWorkload, durationS: number): Promise<Sample> => {
      resetPeak(t.process.pid);
      const r = await load.run({ url: t.url, connections: config.connections, durationS, bodies: t.bodies(w) });
      return {
        rps: r.rps,
        p50Ms: r.p50Ms,
        p99Ms: r.p99Ms,
        errors: r.graphqlErrors + r.non2xx + r.errors + r.timeouts,
        errorSample: r.errorSample,
        gatewayPeakRssMb: memoryMb(t.process.pid).peak,
      };
    };
    for (const w of workloads) for (const t of targets) await measure(t, w, config.warmupS);
    say('warm-up done');
    const samples = new Map<string, Sample[]>();
    for (let r = 0; r < config.rounds; r++) {
      for (const w of workloads) {
        for (const t of targets.map((_, i) => targets[(i + r) % targets.length]!)) {
          const s = await measure(t, w, config.durationS);
          samples.set(`${w.name}|${t.name}`, [...(samples.get(`${w.name}|${t.name}`) ?? []), s]);
          say(
            `round ${r + 1}/${config.rounds} ${w.name.padEnd(14)} ${t.name.padEnd(15)} ${s.rps.toFixed(1).padStart(8)} req/s  p99 ${s.p99Ms} ms${s.errors ? `  ERRORS ${s.errors} ${s.errorSample ?? ''}` : ''}`,
          );
        }
      }
    }
    const profiles = values.profile ? await profileGateways(targets, workloads, load) : null;
    const report = buildReport(workloads, targets, samples, profiles);
    mkdirSync(join(BENCH_DIR, 'results'), { recursive: true });
    writeFileSync(join(BENCH_DIR, 'results', 'peers-latest.json'), `${JSON.stringify(report.json, null, 2)}\n`);
    writeFileSync(join(BENCH_DIR, 'results', 'peers-latest.md'), report.markdown);
    process.stdout.write(`${report.markdown}\n`);
  } finally {
    load.stop();
    await Promise.all(children.map((c) => c.stop()));
    await stopAll();
  }
}

/** A CPU profile of each gateway process over one more run of each workload: where its time goes. */
async function profileGateways(targets: Target[], workloads: PeerWorkload[], load: LoadGenerator) {
  const out: Record<string, string> = {};
  for (const w of workloads) {
    for (const t of targets.filter((x) => x.name !== 'huitong-merged')) {
      const file = join(logDir, `${w.name}-${t.name}.cpuprofile`);
      await askChild<{ cpuProfile?: string }>(t.process, { cpuProfile: 'start' }, (m) => m.cpuProfile === 'started');
      await load.run({ url: t.url, connections: config.connections, durationS: config.durationS, bodies: t.bodies(w) });
      await askChild<{ cpuProfile?: string }>(t.process, { cpuProfile: 'stop', file }, (m) => m.cpuProfile === 'written');
      out[`${w.name}|${t.name}`] = summarize(file, 8);
    }
  }
  return out;
}

function buildReport(workloads: PeerWorkload[], targets: Target[], samples: Map<string, Sample[]>, profiles: Record<string, string> | null) {
  const rows: Array<Record<string, unknown>> = [];
  const lines = [
    `# Peer gateways — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Command: \`npm run bench:peers -- --scale ${config.scale} --duration ${config.durationS} --rounds ${config.rounds}\` · ${cpus().length} cores (${cpus()[0]?.model.trim()}) · ${config.connections} connections · median of ${config.rounds} round(s) × ${config.durationS} s, targets alternated each round · the same three department subgraph processes behind every gateway; governance off in Huitong's gateway (the peers have none). Definitions: [bench/README.md](../README.md#peer-gateways).`,
    '',
    '| workload | gateway | req/s | p50 ms | p99 ms | errors | gateway peak RSS MB |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  const med = (list: Sample[], key: keyof Sample) => median(list.map((s) => s[key] as number));
  for (const w of workloads) {
    for (const t of targets) {
      const list = samples.get(`${w.name}|${t.name}`) ?? [];
      const row = {
        workload: w.name,
        gateway: t.name,
        rps: Math.round(med(list, 'rps') * 10) / 10,
        p50Ms: med(list, 'p50Ms'),
        p99Ms: med(list, 'p99Ms'),
        errors: list.reduce((sum, s) => sum + s.errors, 0),
        gatewayPeakRssMb: Math.round(Math.max(...list.map((s) => s.gatewayPeakRssMb))),
        rpsByRound: list.map((s) => Math.round(s.rps * 10) / 10),
      };
      rows.push(row);
      lines.push(
        `| ${w.name} | ${t.name === 'huitong-merged' ? 'huitong (merged form, reference)' : t.name} | ${row.rps} | ${row.p50Ms} | ${row.p99Ms} | ${row.errors} | ${row.gatewayPeakRssMb} |`,
      );
    }
  }
  lines.push('', '| workload | huitong / apollo-gateway | huitong / hive-gateway |', '|---|---:|---:|');
  for (const w of workloads) {
    const rps = (name: string) => (rows.find((r) => r.workload === w.name && r.gateway === name)?.rps as number) ?? Number.NaN;
    const ratio = (peer: string) => (rps(peer) > 0 ? `${(rps('huitong') / rps(peer)).toFixed(2)}×` : 'n/a (no response completed)');
    lines.push(`| ${w.name} | ${ratio('apollo-gateway')} | ${ratio('hive-gateway')} |`);
  }
  lines.push('', `req/s by round: ${rows.map((r) => `${r.workload}/${r.gateway} ${(r.rpsByRound as number[]).join(', ')}`).join('; ')}.`);
  if (profiles) {
    lines.push('', '## Where each gateway spends its time', '');
    for (const [key, summary] of Object.entries(profiles)) lines.push(`### ${key.replace('|', ' — ')}`, '', '```', summary.trim(), '```', '');
  }
  return { markdown: `${lines.join('\n')}\n`, json: { config, rows, profiles } };
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  void stopAll().finally(() => process.exit(1));
});
