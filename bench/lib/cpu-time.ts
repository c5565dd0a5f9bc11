// CPU time from /proc, for the scripts that divide it by requests: on a machine shared with other work the
// wall time waits for a core, this does not. /proc counts in clock ticks of 10 ms.
import { readFileSync } from 'node:fs';

const TICK_MS = 10;

/**
 * User and system CPU time a process (every thread) has used so far, ms.
 *
 * @example
 * const before = processCpuMs(pid);
 * await load();
 * const used = processCpuMs(pid).total - before.total;
 */
export function processCpuMs(pid: number): { user: number; system: number; total: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name in parentheses may hold spaces: the fields start after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const user = Number(fields[11]) * TICK_MS;
  const system = Number(fields[12]) * TICK_MS;
  return { user, system, total: user + system };
}

/**
 * The whole machine's CPU time so far, all cores together, ms (the first line of /proc/stat): `idle`
 * with I/O wait, `steal` what the hypervisor took, `busy` the rest. The difference of `busy` over a
 * run, less the processes measured on their own, is what the database server and anything else cost.
 *
 * @example
 * const before = machineCpuMs();
 * await load();
 * const busy = machineCpuMs().busy - before.busy;
 */
export function machineCpuMs(): { busy: number; idle: number; steal: number; total: number } {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n', 1)[0]!
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map((n) => Number(n) * TICK_MS);
  return {
    busy: user! + nice! + system! + irq! + softirq!,
    idle: idle! + iowait!,
    steal: steal!,
    total: user! + nice! + system! + idle! + iowait! + irq! + softirq! + steal!,
  };
}
