import 'reflect-metadata';
import { DEFAULTS } from '../src/config/resolve';
import { httpBench } from './http.bench';
import { forkBench, machineLine, nextMessage } from './machine';
import { propagationBench } from './propagation.bench';
import { socketBench } from './socket.bench';
import { row, renderTable, type Probe, type Row } from './table';
import { verifyProbes } from './verify.bench';

/**
 * `npm run bench` (`-- --quick` for one short round): every row in one table, measured in one run.
 * The load rows (HTTP, Socket.IO, verifyToken) are interleaved in rounds, so drift on a shared
 * machine hits every row alike; each prints its median, lowest–highest and ratio to its
 * reference. Memory rows are measured once, after the rounds.
 */
const quick = process.argv.includes('--quick');
const settings = quick
  ? { rounds: 1, httpSeconds: 1, socketSeconds: 1, microMs: 200, memoryTokens: 15_000, revocations: 100 }
  : { rounds: 5, httpSeconds: 3, socketSeconds: 3, microMs: 1000, memoryTokens: 200_000, revocations: 200 };

interface MemoryFigures {
  count: number;
  cacheSize: number;
  bytesPerEntry: number;
  heapFull: number;
  rss: number;
  heap: number;
  heapAfterGc: number;
  rssAfterGc: number;
}

async function memoryRows(section: string): Promise<Row[]> {
  const child = forkBench('memory.ts', { BENCH_TOKENS: String(settings.memoryTokens) }, ['--expose-gc']);
  const figures = await nextMessage<MemoryFigures>(child, 'memory');
  child.kill('SIGTERM');
  const mb = (bytes: number): number => bytes / 2 ** 20;
  const tokens = figures.count.toLocaleString('en-US');
  const measured = (name: string, unit: string, value: number): Row => {
    const target = row(section, name, unit);
    target.results.push(value);
    return target;
  };
  const full = measured(`heap with the cache full (${figures.cacheSize.toLocaleString('en-US')} entries), after GC`, 'MiB', mb(figures.heapFull));
  const afterGc = row(section, `heap after ${tokens} distinct tokens, after GC`, 'MiB', full);
  afterGc.results.push(mb(figures.heapAfterGc));
  return [
    measured('heap per verified-token cache entry', 'bytes', figures.bytesPerEntry),
    full,
    measured(`RSS after ${tokens} distinct tokens verified`, 'MiB', mb(figures.rss)),
    measured(`heap after ${tokens} distinct tokens`, 'MiB', mb(figures.heap)),
    afterGc,
    measured(`RSS after ${tokens} distinct tokens, after GC`, 'MiB', mb(figures.rssAfterGc)),
  ];
}

async function main(): Promise<void> {
  console.log(machineLine());
  console.log(
    `${quick ? 'QUICK run (1 round, short): a sanity check, not a reference' : `${settings.rounds} rounds, interleaved`}; median of the rounds, lowest–highest, ratio to the section's reference row; default verifiedTokenCacheSize ${DEFAULTS.verifiedTokenCacheSize.toLocaleString('en-US')}`,
  );
  const http = await httpBench(settings.httpSeconds);
  const sockets = await socketBench(settings.socketSeconds);
  const propagation = await propagationBench(settings.revocations);
  const probes: Probe[] = [...http.probes, ...sockets.probes, ...(await verifyProbes(settings.microMs)), ...propagation.probes];
  let memory: Row[] = [];
  try {
    for (let round = 0; round < settings.rounds; round += 1) {
      // Each round starts one probe further on, so no row is always the one after a pause.
      for (let step = 0; step < probes.length; step += 1) {
        const probe = probes[(round + step) % probes.length];
        const values = await probe.run();
        probe.rows.forEach((target, index) => target.results.push(values[index]));
      }
      if (!quick) process.stderr.write(`round ${round + 1}/${settings.rounds} done\n`);
    }
    const memorySection = 'Memory (measured once, in processes run with --expose-gc)';
    memory = [...(await memoryRows(memorySection)), ...(await sockets.memoryRows(memorySection))];
  } finally {
    await http.stop();
    sockets.stop();
    await propagation.stop();
  }
  // Rows to come: per-event socket guards (events/s guarded vs unguarded) join the Socket.IO
  // section; the denylist mirror's and live sessions' memory join the memory rows.
  console.log(renderTable([...probes.flatMap((probe) => probe.rows), ...propagation.skipped, ...memory]));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
