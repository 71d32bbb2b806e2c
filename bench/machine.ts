import { cpus, totalmem } from 'node:os';

/** One line saying where a benchmark ran, printed beside its results. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `machine: ${cpus().length} x ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, ${process.platform}/${process.arch}`;
}

/** Runs `task` repeatedly for about `milliseconds` after a warm-up and returns operations per second. */
export async function opsPerSecond(task: () => Promise<unknown> | unknown, milliseconds = 1500): Promise<number> {
  const warmUntil = performance.now() + 300;
  while (performance.now() < warmUntil) await task();
  let count = 0;
  const start = performance.now();
  const end = start + milliseconds;
  while (performance.now() < end) {
    await task();
    count += 1;
  }
  return (count * 1000) / (performance.now() - start);
}
