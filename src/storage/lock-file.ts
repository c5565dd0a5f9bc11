import { linkSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Raised when another live process owns an embedded data directory. */
export class DataDirLockedError extends Error {
  readonly code = 'DATA_DIR_LOCKED';
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`the data directory is in use by process ${pid}; stop it first or talk to it over HTTP`);
  }
}

/**
 * Who holds a lock. A PID alone is ambiguous: PIDs are reused (a restarted container's hub is PID 1
 * again), so the holder is the PID together with its start time (field 22 of /proc/<pid>/stat, in
 * clock ticks since boot) and the boot it ran in (/proc/sys/kernel/random/boot_id).
 */
interface LockHolder {
  pid: number;
  /** Null where /proc is not available: only the PID's liveness can then be checked. */
  startTime: string | null;
  bootId: string | null;
}

const readText = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

/** Field 22 of /proc/<pid>/stat, or null when the process is gone or there is no /proc. */
function processStartTime(pid: number): string | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === null) return null;
  // Field 2 (the command) is in parentheses and may hold spaces or parentheses: count from the last one.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
}

const currentBootId = (): string | null => readText('/proc/sys/kernel/random/boot_id')?.trim() ?? null;

/** When the system booted (seconds since the epoch), from /proc/stat. */
function bootTimeSeconds(): number | null {
  const match = /^btime (\d+)$/m.exec(readText('/proc/stat') ?? '');
  return match ? Number(match[1]) : null;
}

/** /proc reports start times in USER_HZ ticks, 100 a second on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function thisProcess(): LockHolder {
  return { pid: process.pid, startTime: processStartTime(process.pid), bootId: currentBootId() };
}

/** The lock's text: JSON now; a PID alone from versions before the start time was recorded. */
function parseLock(text: string): { holder: LockHolder; legacy: boolean } | null {
  if (/^\s*\d+\s*$/.test(text)) return { holder: { pid: Number(text), startTime: null, bootId: null }, legacy: true };
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (!Number.isSafeInteger(parsed.pid) || (parsed.pid as number) <= 0) return null;
    const optional = (v: unknown) => (typeof v === 'string' ? v : null);
    return { holder: { pid: parsed.pid as number, startTime: optional(parsed.startTime), bootId: optional(parsed.bootId) }, legacy: false };
  } catch {
    return null;
  }
}

/**
 * Whether the process that wrote the lock is still running. A dead PID, another boot, or a live PID whose
 * process started at another time (the PID was reused) all mean the holder is gone. A lock in the old
 * format names no start time: it is stale when written before this boot, or before its PID's current
 * process started (that process cannot have written it).
 */
function holderIsRunning(lock: { holder: LockHolder; legacy: boolean }, writtenAtMs: number): boolean {
  const { holder } = lock;
  if (!isAlive(holder.pid)) return false;
  const bootId = currentBootId();
  if (holder.bootId !== null && bootId !== null && holder.bootId !== bootId) return false;
  const startTime = processStartTime(holder.pid);
  if (holder.startTime !== null && startTime !== null) return holder.startTime === startTime;
  if (lock.legacy && startTime !== null) {
    const boot = bootTimeSeconds();
    if (boot === null) return true;
    if (writtenAtMs < boot * 1000) return false;
    const startedAtMs = (boot + Number(startTime) / TICKS_PER_SECOND) * 1000;
    // A second of slack: btime is whole seconds, and the holder writes its lock after it starts.
    return startedAtMs <= writtenAtMs + 1000;
  }
  return true;
}

/**
 * Takes an exclusive lock on a PGlite data directory. PGlite itself takes no cross-process lock and a
 * second process writing the same directory corrupts it, so every opener goes through here. The lock
 * names its holder by PID, process start time and boot id; a lock whose holder is gone (crash, SIGKILL,
 * reboot, a PID since reused by another process) is taken over.
 *
 * @example
 * const release = acquireDirLock('/var/lib/huitong/hub');
 * // … use the directory …
 * release();
 */
export function acquireDirLock(dir: string): () => void {
  const path = join(dir, 'huitong.lock');
  const mine = JSON.stringify(thisProcess());
  for (let attempt = 0; attempt < 2; attempt++) {
    // Written aside and linked into place, so no reader ever sees a half-written lock.
    const pending = `${path}.${process.pid}.tmp`;
    writeFileSync(pending, mine);
    try {
      linkSync(pending, path);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        // Only our own lock: a process that (wrongly) took it over keeps its own.
        if (readText(path) === mine) rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const text = readText(path);
      if (text === null) continue;
      const lock = parseLock(text);
      if (lock && holderIsRunning(lock, statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now())) throw new DataDirLockedError(dir, lock.holder.pid);
      // Stale (or unreadable): remove it unless another process replaced it meanwhile.
      if (readText(path) === text) rmSync(path, { force: true });
    } finally {
      rmSync(pending, { force: true });
    }
  }
  throw new Error(`could not lock ${dir}`);
}

/**
 * Who holds a data directory's lock now: the holder's PID while it runs, `stale` for a lock left by a
 * process that is gone (the next opener takes it over), null when there is none. Reads only.
 *
 * @example
 * lockHolder('.data/hub'); // { pid: 4242 } while `npm start` runs
 */
export function lockHolder(dir: string): { pid: number } | 'stale' | null {
  const path = join(dir, 'huitong.lock');
  const text = readText(path);
  if (text === null) return null;
  const lock = parseLock(text);
  if (!lock) return 'stale';
  return holderIsRunning(lock, statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) ? { pid: lock.holder.pid } : 'stale';
}
