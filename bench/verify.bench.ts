import 'reflect-metadata';
import { PasetoAuthService } from '../src/service';
import { activeBlake2b, nobleBlake2b, useBlake2b } from '../src/tokens/blake2b';
import { microsecondsPerCall } from './machine';
import { row, type Probe } from './table';

const KEY = `k4.local.${Buffer.alloc(32, 9).toString('base64url')}`;
const FORGING_KEY = `k4.local.${Buffer.alloc(32, 7).toString('base64url')}`;
/** About 0.9 MB once encrypted and base64url-encoded. */
const HUGE_PAYLOAD = 675_000;

async function refusal(auth: PasetoAuthService, token: string): Promise<void> {
  try {
    await auth.verifyToken(token);
  } catch {
    return;
  }
  throw new Error('a forged token was accepted');
}

/**
 * Micro rows, measured in this process between the load rounds: `verifyToken` alone, without
 * HTTP, in microseconds per call (lower is better).
 */
export async function verifyProbes(milliseconds: number): Promise<Probe[]> {
  const section = 'verifyToken alone, in process (no HTTP)';
  const auth = new PasetoAuthService({ secretKey: KEY });
  const uncached = new PasetoAuthService({ secretKey: KEY, verifiedTokenCacheSize: 0 });
  const forger = new PasetoAuthService({ secretKey: FORGING_KEY });
  const token = await auth.createAccessToken({ subject: 'bench', expiresIn: 3600 });
  const forged = await forger.createAccessToken({ subject: 'bench', expiresIn: 3600 });
  const huge = await forger.createAccessToken({ subject: 'bench', expiresIn: 3600, userClaims: { padding: 'x'.repeat(HUGE_PAYLOAD) } });
  const hit = row(section, 'v4.local, cache hit', 'µs/call');
  const micro = (name: string, task: () => Promise<unknown>) => {
    const target = row(section, name, 'µs/call', hit);
    return { rows: [target], run: async () => [await microsecondsPerCall(task, milliseconds)] };
  };
  return [
    { rows: [hit], run: async () => [await microsecondsPerCall(() => auth.verifyToken(token), milliseconds)] },
    micro(`v4.local, cache off (BLAKE2b: ${activeBlake2b().name}, the default here)`, () => uncached.verifyToken(token)),
    {
      rows: [row(section, 'v4.local, cache off (BLAKE2b: noble, the portable fallback)', 'µs/call', hit)],
      run: async () => {
        const installed = activeBlake2b();
        useBlake2b(nobleBlake2b);
        try {
          return [await microsecondsPerCall(() => uncached.verifyToken(token), milliseconds)];
        } finally {
          useBlake2b(installed);
        }
      },
    },
    micro('refusal: forged v4.local token (other key)', () => refusal(auth, forged)),
    micro(`refusal: oversize forged token (${(huge.length / 1e6).toFixed(2)} MB)`, () => refusal(auth, huge)),
  ];
}
