// CONTRACT STUB (owned by the tokens/keys helper, who replaces the body; keep the exported names).
import type { PasetoPurpose, PasetoVersion, PasetoKeyOptions } from '../config/options';

/** One imported key. The material is private to `keys/` and `tokens/`. */
export interface PasetoKey {
  readonly version: PasetoVersion;
  readonly purpose: PasetoPurpose;
  /** PASERK id: `k4.lid.…` / `k3.lid.…` for local keys, `k4.pid.…` / `k3.pid.…` for public ones. */
  readonly kid: string;
  /** True when the key can produce tokens (a local key, or a public key pair with its secret half). */
  readonly canSign: boolean;
}

/** A key option after defaults: version and purpose always set; `field` names it in errors (e.g. `keys[1]` or `` for top level). */
export interface ResolvedKeyOptions extends PasetoKeyOptions {
  version: PasetoVersion;
  purpose: PasetoPurpose;
}

/**
 * Every configured key, imported once. The first key signs new tokens; every key verifies.
 */
export declare class KeyRing {
  /**
   * Parse and import every key synchronously; a wrong key (bad PASERK, wrong curve for the
   * version, unreadable file, local key not 32 bytes, first key without signing material)
   * throws `PasetoConfigError` naming the field (`secretKey`, `keys[1].publicKeyFile`, ...).
   * `fieldPrefix(i)` gives the field prefix of entry i: `''` for top-level options, `keys[i].` otherwise.
   */
  static fromOptions(keys: readonly ResolvedKeyOptions[], fieldPrefix: (index: number) => string): KeyRing;
  /** The key that signs / encrypts new tokens. */
  readonly signer: PasetoKey;
  /** Every key, signer first. */
  readonly keys: readonly PasetoKey[];
  /** True when some key has this version and purpose. */
  accepts(version: number, purpose: string): boolean;
}
