import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDirLock, DataDirLockedError } from './lock-file.js';

// Linux's /proc tells who holds a lock; elsewhere only whether its PID is alive.
const hasProc = existsSync('/proc/self/stat') && existsSync('/proc/sys/kernel/random/boot_id');
const procIt = hasProc ? it : it.skip;

/** Field 22 of /proc/<pid>/stat: the process's start time in clock ticks since boot. */
function startTicks(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}
const bootId = () => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
const bootSeconds = () => Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))![1]);

/** The PID of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid!;
}

describe('acquireDirLock', () => {
  let dir: string;
  let lock: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'huitong-lock-'));
    lock = join(dir, 'huitong.lock');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const holder = (fields: Record<string, unknown>) => writeFileSync(lock, JSON.stringify({ pid: process.pid, ...fields }));
  const takenOver = () => {
    const release = acquireDirLock(dir);
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ pid: process.pid });
    release();
    expect(existsSync(lock)).toBe(false);
  };

  procIt('names this process, its start time and the boot, and refuses a second lock while it is held', () => {
    const release = acquireDirLock(dir);
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toEqual({ pid: process.pid, startTime: startTicks(process.pid), bootId: bootId() });
    expect(() => acquireDirLock(dir)).toThrow(DataDirLockedError);
    release();
    expect(existsSync(lock)).toBe(false);
  });

  procIt('respects a lock held by a live process with the same start time and boot', () => {
    holder({ startTime: startTicks(process.pid), bootId: bootId() });
    expect(() => acquireDirLock(dir)).toThrow(expect.objectContaining({ code: 'DATA_DIR_LOCKED', pid: process.pid }));
    expect(existsSync(lock)).toBe(true);
  });

  procIt('takes over a lock whose live PID belongs to a process started at another time (PID reused)', () => {
    // A container restarted: its hub is PID 1 again, as the one that left the lock.
    holder({ startTime: String(Number(startTicks(process.pid)) - 1), bootId: bootId() });
    takenOver();
    // Another live process, not this one.
    writeFileSync(lock, JSON.stringify({ pid: process.ppid, startTime: String(Number(startTicks(process.ppid)) + 7), bootId: bootId() }));
    takenOver();
  });

  procIt('takes over a lock written during another boot, whatever its PID', () => {
    holder({ startTime: startTicks(process.pid), bootId: '00000000-0000-4000-8000-000000000000' });
    takenOver();
  });

  it('takes over a lock whose process is gone', () => {
    holder({ pid: deadPid(), startTime: '1', bootId: hasProc ? bootId() : 'x' });
    takenOver();
  });

  it('does not remove a lock another process took over meanwhile', () => {
    const release = acquireDirLock(dir);
    writeFileSync(lock, JSON.stringify({ pid: process.ppid, startTime: '1', bootId: 'other' }));
    release();
    expect(existsSync(lock)).toBe(true);
  });

  describe('a lock in the old format (a PID alone)', () => {
    it('is taken over when its process is gone', () => {
      writeFileSync(lock, String(deadPid()));
      takenOver();
    });

    procIt('is respected while a process that may have written it is alive', () => {
      writeFileSync(lock, String(process.pid));
      expect(() => acquireDirLock(dir)).toThrow(DataDirLockedError);
    });

    procIt('is taken over when its live PID started after the lock was written (PID reused)', () => {
      const started = bootSeconds() + Number(startTicks(process.pid)) / 100;
      writeFileSync(lock, String(process.pid));
      // Written while some earlier process had this PID: after boot, before this process started.
      const written = (bootSeconds() + started) / 2;
      utimesSync(lock, written, written);
      takenOver();
    });

    procIt('is taken over when it was written before the last boot', () => {
      writeFileSync(lock, String(process.pid));
      const written = bootSeconds() - 3600;
      utimesSync(lock, written, written);
      takenOver();
    });
  });
});
