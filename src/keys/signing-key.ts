import type { PasetoPurpose } from '../config/options';
import { PasetoConfigError } from '../errors';
import type { KeyRing, PasetoKey } from './key-ring';

/** The key of `keyRing` that creates tokens of `purpose` (`configured` when not given). */
export function signingKeyOf(keyRing: KeyRing, purpose: PasetoPurpose | undefined, configured: PasetoPurpose): PasetoKey {
  const wanted = purpose ?? configured;
  if (wanted !== 'local' && wanted !== 'public') throw new TypeError("purpose must be 'local' or 'public'");
  const key = keyRing.keys.find((candidate) => candidate.canSign && candidate.purpose === wanted);
  if (!key) {
    throw new PasetoConfigError(wanted === 'local' ? 'secretKey' : 'privateKey', `no key that can create ${wanted} tokens is configured`);
  }
  return key;
}
