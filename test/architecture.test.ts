import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

// The structural rules of the codebase, checked on every run: layering, department isolation, no cycles.
const SRC = resolve(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = sourceFiles(SRC);
const imports = new Map(
  files.map((file) => {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)].map((m) =>
      resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')),
    );
    return [file, targets];
  }),
);
const area = (file: string) => relative(SRC, file).split(sep)[0]!;
const folder = (file: string) => relative(SRC, file).split(sep).slice(0, 2).join('/');

// What each top-level folder may import. demo and cli sit on top and may use everything.
// identity-resolution is a pure library over schema: no database, no subgraph.
// logging is the one logger contract every layer may log through; it imports nothing of them.
const ALLOWED: Record<string, string[]> = {
  logging: ['logging'],
  schema: ['schema', 'logging'],
  storage: ['storage', 'logging'],
  'identity-resolution': ['identity-resolution', 'schema', 'logging'],
  adapters: ['adapters', 'schema', 'storage', 'logging'],
  subgraphs: ['subgraphs', 'identity-resolution', 'adapters', 'schema', 'storage', 'logging'],
  gateway: ['gateway', 'subgraphs', 'identity-resolution', 'adapters', 'schema', 'storage', 'logging'],
  demo: ['demo', 'gateway', 'subgraphs', 'identity-resolution', 'adapters', 'schema', 'storage', 'logging'],
  cluster: ['cluster', 'schema', 'logging'],
  cli: ['cli', 'cluster', 'demo', 'gateway', 'subgraphs', 'identity-resolution', 'adapters', 'schema', 'storage', 'logging'],
};

describe('architecture', () => {
  it('keeps the layers: schema ← identity-resolution, adapters ← subgraphs ← gateway, storage and logging beside them', () => {
    const violations: string[] = [];
    for (const [file, targets] of imports) {
      const allowed = ALLOWED[area(file)];
      expect(allowed, `unknown top-level folder for ${relative(SRC, file)}`).toBeDefined();
      for (const target of targets) if (!allowed!.includes(area(target))) violations.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
    }
    expect(violations).toEqual([]);
  });

  it('reaches the identity resolver only through its public API (identity-resolution/index.ts)', () => {
    const api = join(SRC, 'identity-resolution', 'index.ts');
    const violations: string[] = [];
    for (const [file, targets] of imports) {
      if (area(file) === 'identity-resolution') continue;
      for (const target of targets)
        if (area(target) === 'identity-resolution' && target !== api) violations.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
    }
    expect(violations).toEqual([]);
  });

  // adapters/core and adapters/spec are what every kind shares; the files at adapters/ itself list and open the kinds.
  const SHARED = new Set(['adapters/core', 'adapters/spec']);
  it('keeps every kind folder to itself and the shared core and spec, and those to themselves', () => {
    const violations: string[] = [];
    for (const [file, targets] of imports) {
      if (area(file) !== 'adapters' || dirname(file) === join(SRC, 'adapters')) continue;
      const own = folder(file);
      for (const target of targets) {
        const other = folder(target);
        const allowed = other === own || SHARED.has(other) || area(target) !== 'adapters';
        if (!allowed) violations.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('has no import cycles', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' → '));
        return;
      }
      state.set(file, 'visiting');
      for (const target of imports.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('gives every folder a README', () => {
    const dirs = new Set(files.map((f) => dirname(f)));
    const missing = [...dirs].filter((d) => !statSync(d).isDirectory() || !readdirSync(d).includes('README.md')).map((d) => relative(SRC, d) || '.');
    expect(missing).toEqual([]);
  });
});
