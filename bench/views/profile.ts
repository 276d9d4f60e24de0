/*
 * Summarises a V8 CPU profile (node --cpu-prof): self time by function and
 * by package, and the inclusive time of frames whose name or file matches
 * `--focus` (a regular expression), e.g. to see what one route costs.
 *
 *   node bench/views/profile.ts <file.cpuprofile> [--top 30] [--focus <re>]
 *     [--during <re>]
 *
 * `--during <re>` keeps only the samples between the first and the last
 * one whose stack has a frame matching `re` (e.g. `oncall/router` for the
 * time the on-call route was driven), idle and background work included;
 * with `--span <s>`, only those of the last `s` seconds up to that last one
 * (a route is also read once while the benchmark waits for data).
 */
import fs from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const file = process.argv[2];
const top = Number(arg('top', '30'));
const focus = arg('focus', '');
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const nodes = new Map<number, Node>(profile.nodes.map((n: Node) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of nodes.values()) {
  for (const c of n.children ?? []) parent.set(c, n.id);
}
const self = new Map<number, number>();
const deltas: number[] = profile.timeDeltas;
const during = arg('during', '');
let first = 0;
let last = profile.samples.length - 1;
if (during) {
  const re = new RegExp(during);
  const matches = (id: number) => {
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const f = nodes.get(n)!.callFrame;
      if (re.test(f.functionName) || re.test(f.url)) return true;
    }
    return false;
  };
  const hits = profile.samples
    .map((id: number, i: number) => (matches(id) ? i : -1))
    .filter((i: number) => i >= 0);
  if (hits.length === 0) throw new Error(`no sample matches ${during}`);
  first = hits[0];
  last = hits[hits.length - 1];
  const span = Number(arg('span', '0')) * 1e6;
  if (span > 0) {
    let t = 0;
    const at = deltas.map(d => (t += d));
    while (at[last] - at[first] > span) first += 1;
  }
}
for (let i = first; i <= last; i++) {
  const id = profile.samples[i];
  self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0) / 1000);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);

function where(n: Node): string {
  const url = n.callFrame.url.replace(/^file:\/\//, '');
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.includes('/plugins/'))
    return url.replace(/.*\/plugins\//, 'plugins/');
  if (url.includes('/packages/'))
    return url.replace(/.*\/packages\//, 'packages/');
  return url || '(native)';
}

const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
for (const [id, ms] of self) {
  const n = nodes.get(id)!;
  const name = `${n.callFrame.functionName || '(anonymous)'} ${where(n)}:${
    n.callFrame.lineNumber + 1
  }`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
  const pkg = where(n).split(':')[0];
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
}

function print(title: string, map: Map<string, number>) {
  process.stdout.write(`\n${title}\n`);
  for (const [k, v] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(
      `${v.toFixed(0).padStart(8)} ms ${((v / total) * 100)
        .toFixed(1)
        .padStart(5)}%  ${k}\n`,
    );
  }
}

process.stdout.write(`${file}: ${total.toFixed(0)} ms sampled\n`);
print('self time by package / file', byPackage);
print('self time by function', byFunction);

if (focus) {
  // Inclusive time of each matching frame (counted once per sample).
  const re = new RegExp(focus);
  const inclusive = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const seen = new Set<string>();
    let id: number | undefined = profile.samples[i];
    while (id !== undefined) {
      const n = nodes.get(id)!;
      const name = `${n.callFrame.functionName || '(anonymous)'} ${where(n)}:${
        n.callFrame.lineNumber + 1
      }`;
      if ((re.test(name) || re.test(n.callFrame.url)) && !seen.has(name)) {
        seen.add(name);
        inclusive.set(
          name,
          (inclusive.get(name) ?? 0) + (deltas[i] ?? 0) / 1000,
        );
      }
      id = parent.get(id);
    }
  }
  print(`inclusive time of frames matching /${focus}/`, inclusive);
}
