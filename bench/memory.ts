import 'reflect-metadata';
import { DEFAULTS } from '../src/config/resolve';
import { PasetoAuthService } from '../src/service';

/**
 * Memory of the verified-token cache, in a process of its own run with --expose-gc: a service with
 * the default options verifies `BENCH_TOKENS` distinct tokens, each minted just before and never
 * kept by this script, so what stays is what the service keeps. Sends the figures over IPC.
 */
const count = Number(process.env.BENCH_TOKENS ?? 200_000);
const KEY = `k4.local.${Buffer.alloc(32, 9).toString('base64url')}`;

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function main(): Promise<void> {
  const issuer = new PasetoAuthService({ secretKey: KEY });
  let lastToken = '';
  const verifyWith = async (service: PasetoAuthService, user: number): Promise<void> => {
    lastToken = await issuer.createAccessToken({ subject: `user-${user}`, expiresIn: 3600, userClaims: { roles: ['member'] } });
    await service.verifyToken(lastToken);
  };
  // Warm the code paths on a service of its own, then fill an empty one.
  const warmUp = new PasetoAuthService({ secretKey: KEY });
  for (let user = 0; user < 1000; user += 1) await verifyWith(warmUp, user);
  const auth = new PasetoAuthService({ secretKey: KEY });
  const cacheSize = DEFAULTS.verifiedTokenCacheSize;
  // Per entry: the growth from a half-full to a full cache, so one-time costs (code, buffers) cancel.
  const half = Math.floor(cacheSize / 2);
  for (let user = 0; user < half; user += 1) await verifyWith(auth, user);
  const before = heapAfterGc();
  for (let user = half; user < cacheSize; user += 1) await verifyWith(auth, user);
  const full = heapAfterGc();
  for (let user = cacheSize; user < count; user += 1) await verifyWith(auth, user);
  const usage = process.memoryUsage();
  const afterGc = heapAfterGc();
  // Used after the measurements, so the service (and its cache) cannot be collected before them.
  await auth.verifyToken(lastToken);
  process.send?.({
    type: 'memory',
    count,
    cacheSize,
    bytesPerEntry: (full - before) / (cacheSize - half),
    heapFull: full,
    rss: usage.rss,
    heap: usage.heapUsed,
    heapAfterGc: afterGc,
    rssAfterGc: process.memoryUsage().rss,
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
