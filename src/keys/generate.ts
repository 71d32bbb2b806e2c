/** Fresh keys, serialized ready to paste into configuration (used by the `keygen` CLI). */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { PasetoPurpose, PasetoVersion } from '../config/options';
import { PasetoConfigError } from '../errors';
import { keyId, serializePaserk } from './paserk';
import { exportPem } from './pem';
import { publicBytesOf, secretBytesOf } from './raw';

/** What to generate. */
export interface GenerateKeysOptions {
  version: PasetoVersion;
  purpose: PasetoPurpose;
  /** `paserk` (default) or `pem`; PEM exists for public keys only. */
  format?: 'paserk' | 'pem';
}

/** Generated keys as configuration strings, with the PASERK id tokens will carry as `kid`. */
export interface GeneratedKeys {
  version: PasetoVersion;
  purpose: PasetoPurpose;
  /** `k{v}.lid.…` for a local key, `k{v}.pid.…` for a key pair. */
  kid: string;
  /** Local purpose: `k{v}.local.…`. */
  secretKey?: string;
  /** Public purpose: `k{v}.secret.…` or a PKCS#8 PEM. */
  privateKey?: string;
  /** Public purpose: `k{v}.public.…` or an SPKI PEM. */
  publicKey?: string;
}

/**
 * Generate a key (local) or key pair (public) for a PASETO version: 32 random bytes,
 * Ed25519 (v4) or ECDSA P-384 (v3).
 * @throws PasetoConfigError (field `format`) for `format: 'pem'` with purpose local.
 */
export function generateKeys({ version, purpose, format = 'paserk' }: GenerateKeysOptions): GeneratedKeys {
  if (purpose === 'local') {
    if (format === 'pem') throw new PasetoConfigError('format', 'a local (symmetric) key has no PEM form; use paserk');
    const secret = randomBytes(32);
    return { version, purpose, kid: keyId(version, 'local', secret), secretKey: serializePaserk(version, 'local', secret) };
  }
  const { privateKey, publicKey } = version === 4 ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  const publicBytes = publicBytesOf(version, publicKey);
  const kid = keyId(version, 'public', publicBytes);
  if (format === 'pem') return { version, purpose, kid, privateKey: exportPem(privateKey), publicKey: exportPem(publicKey) };
  return {
    version,
    purpose,
    kid,
    privateKey: serializePaserk(version, 'secret', secretBytesOf(version, privateKey)),
    publicKey: serializePaserk(version, 'public', publicBytes),
  };
}
