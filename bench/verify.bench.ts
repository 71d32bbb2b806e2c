import 'reflect-metadata';
import { PasetoAuthService } from '../src/service';
import { generateKeys } from '../src/keys/generate';
import { machineLine, opsPerSecond } from './machine';

/**
 * Cost of verification per version and purpose: the full path (cache off) against a cache hit,
 * and both against creating a token, measured in the same run.
 */
export async function main(): Promise<void> {
  console.log(machineLine());
  console.log('token verification, operations per second (higher is better)');
  for (const version of [4, 3] as const) {
    for (const purpose of ['local', 'public'] as const) {
      const keys = generateKeys({ version, purpose });
      const keyOptions = purpose === 'local' ? { secretKey: keys.secretKey } : { privateKey: keys.privateKey };
      const uncached = new PasetoAuthService({ version, purpose, ...keyOptions, verifiedTokenCacheSize: 0 });
      const cached = new PasetoAuthService({ version, purpose, ...keyOptions });
      const token = await cached.createAccessToken({ subject: 'bench', userClaims: { roles: ['admin'] } });
      const create = await opsPerSecond(() => cached.createAccessToken({ subject: 'bench' }));
      const full = await opsPerSecond(() => uncached.verifyToken(token));
      const hit = await opsPerSecond(() => cached.verifyToken(token));
      console.log(
        `  v${version}.${purpose.padEnd(6)}  create ${create.toFixed(0).padStart(8)}  verify ${full.toFixed(0).padStart(8)}  verify (cache hit) ${hit.toFixed(0).padStart(9)}  hit/full ${(hit / full).toFixed(1)}x`,
      );
    }
  }
}

if (require.main === module) void main();
