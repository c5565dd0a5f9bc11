// Summaries of a V8 .cpuprofile (bench/profile.ts): self time by function and by package, and
// inclusive time by function; of a .heapprofile, the same in bytes allocated. `npx tsx
// bench/lib/cpuprofile.ts FILE [TOP]` prints one.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_DIR, REPO_DIR } from './proc.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** A sampling heap profile's call tree, each node with the bytes allocated in it (garbage included). */
interface HeapNode {
  id: number;
  callFrame: ProfileNode['callFrame'];
  selfSize: number;
  children: HeapNode[];
}

/** A heap profile as a CPU profile whose "microseconds" are bytes, so one summary reads both. */
function heapAsCpuProfile(head: HeapNode): CpuProfile {
  const nodes: ProfileNode[] = [];
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  const visit = (node: HeapNode) => {
    nodes.push({ id: node.id, callFrame: node.callFrame, children: node.children.map((c) => c.id) });
    if (node.selfSize > 0) samples.push(node.id), timeDeltas.push(node.selfSize);
    node.children.forEach(visit);
  };
  visit(head);
  return { nodes, samples, timeDeltas, startTime: 0, endTime: 0 };
}

/** Top self-time functions and packages of a .cpuprofile (ms and % of all samples), or of bytes allocated of a .heapprofile (MB). */
export function summarize(file: string, top: number): string {
  const parsed = JSON.parse(readFileSync(file, 'utf8'));
  const heap = 'head' in parsed;
  const profile: CpuProfile = heap ? heapAsCpuProfile(parsed.head) : parsed;
  const unit = heap ? 'MB' : 'ms';
  const per = heap ? 2 ** 20 : 1000;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const shortUrl = (url: string) => {
    const path = url.replace(/^file:\/\//, '');
    const nm = path.lastIndexOf('node_modules/');
    return nm >= 0 ? path.slice(nm + 13) : path.startsWith(REPO_DIR) ? relative(REPO_DIR, path) : path;
  };
  const pkg = (url: string) => {
    const s = shortUrl(url);
    if (!url.includes('node_modules/')) return s === '' ? '(native/vm)' : s.startsWith('node:') ? 'node:' : s.split('/').slice(0, 2).join('/');
    const parts = s.split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  };
  const fns = new Map<string, number>();
  const pkgs = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const key = `${functionName || '(anonymous)'}  ${url ? `${shortUrl(url)}:${lineNumber + 1}` : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    const p = pkg(url);
    pkgs.set(p, (pkgs.get(p) ?? 0) + us);
  }
  const fmt = (entries: Map<string, number>, n: number) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `${(us / per).toFixed(0).padStart(7)} ${unit} ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`)
      .join('\n');
  // Inclusive time: a sample counts once for every distinct function on its stack.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n: ProfileNode) =>
    `${n.callFrame.functionName || '(anonymous)'}  ${n.callFrame.url ? `${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}` : ''}`;
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) seen.add(keyOf(byId.get(cur)!));
    for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + us);
  }
  const what = heap ? 'allocated' : 'time';
  return `${relative(BENCH_DIR, file)}: ${(total / per).toFixed(0)} ${unit} sampled\n-- self ${what} by function --\n${fmt(fns, top)}\n-- self ${what} by package / file --\n${fmt(pkgs, 25)}\n-- inclusive ${what} by function --\n${fmt(inclusive, 2 * top)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(summarize(process.argv[2]!, Number(process.argv[3] ?? 45)));
}
