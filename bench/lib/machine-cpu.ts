import { readFileSync } from 'node:fs';

/**
 * CPU time the whole machine has spent busy so far, ms, all cores together (the first line of
 * /proc/stat, in ticks of 10 ms; steal and idle left out). The difference over a run, less the
 * processes measured on their own, is what the database server and anything else cost.
 *
 * @example
 * const before = machineCpuMs();
 * await load();
 * const busy = machineCpuMs() - before;
 */
export function machineCpuMs(): number {
  const [user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq!) * 10;
}
