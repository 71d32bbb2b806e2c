/**
 * The concrete key behind the public {@link PasetoKey} interface. Its material lives in an
 * ES private field: it never shows in `JSON.stringify`, `console.log` or enumeration, and only
 * `keys/` and `tokens/` (through {@link ImportedKey.materialOf}) can reach it.
 */
import type { KeyObject } from 'node:crypto';
import type { PasetoPurpose, PasetoVersion } from '../config/options';

/** A symmetric key for `local` tokens: exactly 32 bytes. */
export interface LocalMaterial {
  readonly purpose: 'local';
  readonly secret: Buffer;
}

/** One imported key. The material is private to `keys/` and `tokens/`. */
export interface PasetoKey {
  readonly version: PasetoVersion;
  readonly purpose: PasetoPurpose;
  /** PASERK id: `k4.lid.…` / `k3.lid.…` for local keys, `k4.pid.…` / `k3.pid.…` for public ones. */
  readonly kid: string;
  /** True when the key can produce tokens (a local key, or a public key pair with its secret half). */
  readonly canSign: boolean;
}

/** An asymmetric key for `public` tokens, imported once into node KeyObjects. */
export interface PublicMaterial {
  readonly purpose: 'public';
  /** Verifies. */
  readonly publicKey: KeyObject;
  /** The PASERK form of the public key: Ed25519 32 bytes (v4), compressed P-384 point of 49 bytes (v3, part of the signed PAE). */
  readonly publicBytes: Buffer;
  /** Signs; absent for verify-only keys. */
  readonly privateKey: KeyObject | undefined;
}

/** Material of either purpose. */
export type KeyMaterialData = LocalMaterial | PublicMaterial;

/** An imported key: public metadata plus hidden material. */
export class ImportedKey implements PasetoKey {
  readonly version: PasetoVersion;
  readonly purpose: PasetoPurpose;
  readonly kid: string;
  readonly canSign: boolean;
  readonly #material: KeyMaterialData;

  constructor(version: PasetoVersion, kid: string, material: KeyMaterialData) {
    this.version = version;
    this.purpose = material.purpose;
    this.kid = kid;
    this.canSign = material.purpose === 'local' || material.privateKey !== undefined;
    this.#material = material;
    Object.freeze(this);
  }

  /** The material of a key made by this module; throws for any other object. */
  static materialOf(key: PasetoKey): KeyMaterialData {
    if (!(key instanceof ImportedKey)) throw new TypeError('Not a key imported by paseto-controllers');
    return key.#material;
  }
}
