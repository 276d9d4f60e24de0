/*
 * Summarises a V8 heap snapshot (`.heapsnapshot`, e.g. from
 * `bench:replicas --snapshot-at`): the live heap by node type and
 * constructor or string kind, largest first, by self size.
 *
 *   node --max-old-space-size=8192 --require @backstage/cli/config/nodeTransform.cjs \
 *     bench/heap-summary.ts <file.heapsnapshot> [--top 30] [--owners]
 *
 * --owners groups arrays and strings instead by what holds them (the
 * constructor of the object with the first edge to them, and the edge's
 * name), to see which structures keep the data.
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
    node_count: number;
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** Arrays and strings grouped by the object holding them (first edge). */
function owners(data: Snapshot) {
  const meta = data.snapshot.meta;
  const width = meta.node_fields.length;
  const types = meta.node_types[0];
  const typeAt = meta.node_fields.indexOf('type');
  const nameAt = meta.node_fields.indexOf('name');
  const sizeAt = meta.node_fields.indexOf('self_size');
  const edgeCountAt = meta.node_fields.indexOf('edge_count');
  const edgeWidth = meta.edge_fields.length;
  const edgeTypes = meta.edge_types[0];
  const edgeTypeAt = meta.edge_fields.indexOf('type');
  const edgeNameAt = meta.edge_fields.indexOf('name_or_index');
  const toAt = meta.edge_fields.indexOf('to_node');
  const owned = new Uint8Array(data.nodes.length / width);
  const groups = new Map<string, { count: number; bytes: number }>();
  const held = (type: string) =>
    type === 'array' || type === 'string' || type === 'concatenated string';
  let edge = 0;
  for (let n = 0; n < data.nodes.length; n += width) {
    const ownerType = types[data.nodes[n + typeAt]];
    const ownerName = data.strings[data.nodes[n + nameAt]].slice(0, 40);
    const count = data.nodes[n + edgeCountAt];
    for (let e = 0; e < count; e++, edge += edgeWidth) {
      const to = data.edges[edge + toAt];
      const index = to / width;
      if (owned[index]) continue;
      const type = types[data.nodes[to + typeAt]];
      if (!held(type) || edgeTypes[data.edges[edge + edgeTypeAt]] === 'weak') {
        continue;
      }
      owned[index] = 1;
      const edgeType = edgeTypes[data.edges[edge + edgeTypeAt]];
      const edgeName =
        edgeType === 'element' || edgeType === 'hidden'
          ? `[${edgeType}]`
          : String(data.strings[data.edges[edge + edgeNameAt]]).slice(0, 30);
      const key = `${type} in ${ownerType} ${ownerName}.${edgeName}`;
      const group = groups.get(key) ?? { count: 0, bytes: 0 };
      group.count += 1;
      group.bytes += data.nodes[to + sizeAt];
      groups.set(key, group);
    }
  }
  return groups;
}

function main() {
  const file = process.argv[2];
  if (!file) throw new Error('usage: heap-summary.ts <file.heapsnapshot>');
  const i = process.argv.indexOf('--top');
  const top = i > 0 ? Number(process.argv[i + 1]) : 30;
  const data: Snapshot = JSON.parse(readFileSync(file, 'utf8'));
  const fields = data.snapshot.meta.node_fields;
  const types = data.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  let groups = new Map<string, { count: number; bytes: number }>();
  let total = 0;
  for (let n = 0; n < data.nodes.length; n += width) {
    const type = types[data.nodes[n + typeAt]];
    const bytes = data.nodes[n + sizeAt];
    total += bytes;
    if (process.argv.includes('--owners')) continue;
    // Strings and code are grouped by type; objects by constructor.
    const key =
      type === 'object' || type === 'closure' || type === 'native'
        ? `${type} ${data.strings[data.nodes[n + nameAt]].slice(0, 60)}`
        : type;
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count += 1;
    group.bytes += bytes;
    groups.set(key, group);
  }
  if (process.argv.includes('--owners')) groups = owners(data);
  const mib = (b: number) => (b / 2 ** 20).toFixed(1);
  const lines = [
    `${file}: ${data.snapshot.node_count} nodes, ${mib(total)} MiB self size`,
    '',
    process.argv.includes('--owners')
      ? '| Held in (object constructor.property) | Count | MiB | Share |'
      : '| Type / constructor | Count | MiB | Share |',
    '| --- | ---: | ---: | ---: |',
    ...[...groups.entries()]
      .sort((a, b) => b[1].bytes - a[1].bytes)
      .slice(0, top)
      .map(
        ([key, g]) =>
          `| ${key.replace(/\|/g, '\\|')} | ${g.count} | ${mib(g.bytes)} | ${(
            (100 * g.bytes) /
            total
          ).toFixed(1)} % |`,
      ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();
