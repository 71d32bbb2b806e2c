/** The value types of the options (the options themselves are declared once, in options.ts). */

/** PASETO versions we produce and accept. */
export type PasetoVersion = 3 | 4;
/** PASETO purposes: `local` (encrypted, symmetric key) or `public` (signed, key pair). */
export type PasetoPurpose = 'local' | 'public';
/** Where an HTTP request may carry its token. */
export type HttpTokenLocation = 'headers' | 'json' | 'query' | 'cookies';
/** Where a Socket.IO handshake may carry its token. */
export type SocketTokenLocation = 'auth' | 'headers' | 'query';
/** The `SameSite` attribute of the auth cookies; `null` leaves it out (the browser's default applies). */
export type CookieSameSite = 'lax' | 'strict' | 'none' | null;
/** Key material: a PASERK / base64url / hex / PEM string, or raw bytes. */
export type KeyMaterial = string | Uint8Array;

/**
 * One key of a key ring (option `keys`). Give the material inline or as a file path.
 * Local keys: `secretKey` (PASERK `k4.local.…`, or 32 bytes as base64url or hex).
 * Public keys: `privateKey` (PASERK `k4.secret.…` or PEM) signs, `publicKey`
 * (PASERK `k4.public.…` or PEM) verifies; a private key implies its public key.
 */
export interface PasetoKeyOptions {
  /** PASETO version of the key; defaults to the top-level `version`. */
  version?: PasetoVersion | undefined;
  /** Purpose of the key; defaults to the top-level `purpose`. */
  purpose?: PasetoPurpose | undefined;
  secretKey?: KeyMaterial | undefined;
  secretKeyFile?: string | undefined;
  privateKey?: KeyMaterial | undefined;
  privateKeyFile?: string | undefined;
  publicKey?: KeyMaterial | undefined;
  publicKeyFile?: string | undefined;
}
