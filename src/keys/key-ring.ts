import type { PasetoPurpose, PasetoVersion, PasetoKeyOptions } from '../config/options';
import { PasetoConfigError } from '../errors';
import { ImportedKey, type KeyMaterialData, type PasetoKey } from './imported-key';

export type { PasetoKey } from './imported-key';
import { parseLocalSecret, parsePrivateKey, parsePublicKey, readMaterial } from './material';
import { keyId } from './paserk';
import { secretBytesOf } from './raw';

/** A key option after defaults: version and purpose always set; `field` names it in errors (e.g. `keys[1]` or `` for top level). */
export interface ResolvedKeyOptions extends PasetoKeyOptions {
  version: PasetoVersion;
  purpose: PasetoPurpose;
}

/** An imported key and the option its material came from (for errors about the key as a whole). */
interface ImportedEntry {
  readonly key: ImportedKey;
  /** `secretKey` / `secretKeyFile` of a local key; `publicKey…` or, when absent, `privateKey…` of a public key. */
  readonly field: string;
}

/** Import one key entry; `prefix` is prepended to field names in errors. */
function importKey(options: ResolvedKeyOptions, prefix: string): ImportedEntry {
  const { version, purpose } = options;
  const secret = readMaterial(options.secretKey, options.secretKeyFile, `${prefix}secretKey`);
  const privateValue = readMaterial(options.privateKey, options.privateKeyFile, `${prefix}privateKey`);
  const publicValue = readMaterial(options.publicKey, options.publicKeyFile, `${prefix}publicKey`);

  if (purpose === 'local') {
    const stray = privateValue ?? publicValue;
    if (stray !== undefined) {
      throw new PasetoConfigError(stray.field, 'a local key takes secretKey (or secretKeyFile) only; privateKey and publicKey are for purpose public');
    }
    if (secret === undefined) throw new PasetoConfigError(`${prefix}secretKey`, 'a local key needs secretKey or secretKeyFile');
    const material: KeyMaterialData = { purpose, secret: parseLocalSecret(secret, version) };
    return { key: new ImportedKey(version, keyId(version, 'local', material.secret), material), field: secret.field };
  }

  if (secret !== undefined) {
    throw new PasetoConfigError(secret.field, 'secretKey is for purpose local; a public key takes privateKey and/or publicKey');
  }
  if (privateValue === undefined && publicValue === undefined) {
    throw new PasetoConfigError(`${prefix}privateKey`, 'a public key needs privateKey (signs) and/or publicKey (verifies), inline or as a file');
  }
  const pair = privateValue === undefined ? undefined : parsePrivateKey(privateValue, version);
  const verifier = publicValue === undefined ? undefined : parsePublicKey(publicValue, version);
  if (pair !== undefined && verifier !== undefined && !pair.publicBytes.equals(verifier.publicBytes)) {
    throw new PasetoConfigError(publicValue!.field, `the public key is not the public half of ${privateValue!.field}`);
  }
  const publicPart = pair ?? verifier!;
  const material: KeyMaterialData = {
    purpose,
    publicKey: publicPart.publicKey,
    publicBytes: publicPart.publicBytes,
    privateKey: pair?.privateKey,
  };
  const field = (publicValue ?? privateValue)!.field;
  return { key: new ImportedKey(version, keyId(version, 'public', material.publicBytes), material), field };
}

/**
 * Refuse a local key whose 32 bytes serve in another role in the ring: a public key (say a
 * k4.public key pasted as secretKey: no secret, anyone could make local tokens), the Ed25519 seed
 * of a signing key (one secret, two algorithms), or a local key of the other version (one key
 * for v3 and v4: a weakness found in either version would expose both). The error names the local
 * key's field and the other key's field, never the bytes.
 */
function checkLocalKeysStandAlone(entries: readonly ImportedEntry[]): void {
  const others: { bytes: Buffer; field: string; role: string }[] = [];
  for (const { key, field } of entries) {
    const material = ImportedKey.materialOf(key);
    if (material.purpose !== 'public') continue;
    others.push({ bytes: material.publicBytes, field, role: 'public key' });
    if (key.version === 4 && material.privateKey !== undefined) {
      others.push({ bytes: secretBytesOf(4, material.privateKey).subarray(0, 32), field, role: 'Ed25519 seed' });
    }
  }
  const locals: { bytes: Buffer; field: string; version: number }[] = [];
  for (const { key, field } of entries) {
    const material = ImportedKey.materialOf(key);
    if (material.purpose !== 'local') continue;
    const same = others.find(({ bytes }) => bytes.equals(material.secret));
    if (same !== undefined) {
      const why = same.role === 'public key' ? 'a public key is no secret, so anyone could make local tokens' : 'one secret must not serve two algorithms';
      throw new PasetoConfigError(field, `the local key is the ${same.role} of ${same.field}: ${why}; use a separate random key`);
    }
    const twin = locals.find(({ bytes, version }) => version !== key.version && bytes.equals(material.secret));
    if (twin !== undefined) {
      throw new PasetoConfigError(field, `the local key is also the v${twin.version}.local key of ${twin.field}: one secret must not serve two PASETO versions; use a separate random key per version`);
    }
    locals.push({ bytes: material.secret, field, version: key.version });
  }
}

/**
 * Keys held outside the ring (a fetched key set): looked up after the ring's own. Its version and
 * purpose are accepted even while it holds no key.
 */
export interface KeySource {
  readonly version: PasetoVersion;
  readonly purpose: PasetoPurpose;
  find(version: PasetoVersion, purpose: PasetoPurpose, kid: string): PasetoKey | undefined;
  candidates(version: PasetoVersion, purpose: PasetoPurpose): readonly PasetoKey[];
}

/** Index of keys by version and purpose, e.g. `4.local`. */
type Slot = `${PasetoVersion}.${PasetoPurpose}`;

/**
 * Every configured key, imported once. The first key signs new tokens; every key verifies.
 * A ring of public keys only (a verifier) is allowed: its `signer.canSign` is false.
 */
export class KeyRing {
  /** Every key, signer first (fetched keys are not listed). */
  readonly keys: readonly PasetoKey[];
  readonly #bySlot = new Map<Slot, readonly PasetoKey[]>();
  readonly #byKid = new Map<string, PasetoKey>();
  readonly #versions = new Set<number>();
  readonly #source: KeySource | undefined;

  private constructor(keys: readonly PasetoKey[], source: KeySource | undefined) {
    this.keys = Object.freeze([...keys]);
    this.#source = source;
    if (source !== undefined) {
      this.#bySlot.set(`${source.version}.${source.purpose}`, []);
      this.#versions.add(source.version);
    }
    for (const key of keys) {
      const slot: Slot = `${key.version}.${key.purpose}`;
      this.#bySlot.set(slot, Object.freeze([...(this.#bySlot.get(slot) ?? []), key]));
      // The same key listed twice keeps its first entry.
      if (!this.#byKid.has(key.kid)) this.#byKid.set(key.kid, key);
      this.#versions.add(key.version);
    }
  }

  /**
   * Parse and import every key synchronously; a wrong key (bad PASERK, wrong curve for the
   * version, unreadable file, local key not 32 bytes, all zeros or text, an Ed25519 public key of
   * small order, a trivial signing key, a local key equal to a public key, an Ed25519 seed or the
   * other version's local key of the ring, a verify-only first key while a later key can sign)
   * throws `PasetoConfigError` naming the field (`secretKey`, `keys[1].publicKeyFile`, ...).
   * `fieldPrefix(i)` gives the field prefix of entry i: `''` for top-level options, `keys[i].` otherwise.
   * With a `source` (a fetched key set) the ring may have no keys of its own.
   */
  static fromOptions(keys: readonly ResolvedKeyOptions[], fieldPrefix: (index: number) => string, source?: KeySource): KeyRing {
    if (keys.length === 0 && source === undefined) throw new PasetoConfigError('keys', 'at least one key is required');
    const entries = keys.map((options, index) => importKey(options, fieldPrefix(index)));
    checkLocalKeysStandAlone(entries);
    const imported = entries.map((entry) => entry.key);
    // A ring of verification keys only is a verifier deployment; but when some key can sign,
    // a verify-only key first is a mis-ordered rotation and would make the signer unusable.
    if (imported.length > 0 && !imported[0].canSign && imported.some((key) => key.canSign)) {
      throw new PasetoConfigError(`${fieldPrefix(0)}privateKey`, 'the first key signs new tokens: it needs privateKey (or privateKeyFile), not only publicKey');
    }
    return new KeyRing(imported, source);
  }

  /** The key that signs / encrypts new tokens (the first key; `canSign` is false only in a verify-only ring). */
  get signer(): PasetoKey {
    if (this.keys.length === 0) throw new Error('A ring of fetched keys only has no signer');
    return this.keys[0];
  }

  /** True when some key has this version and purpose. */
  accepts(version: number, purpose: string): boolean {
    return this.#bySlot.has(`${version}.${purpose}` as Slot);
  }

  /** True when some key has this version. */
  acceptsVersion(version: number): boolean {
    return this.#versions.has(version);
  }

  /** Every key of this version and purpose, in ring order (empty when none). */
  candidates(version: PasetoVersion, purpose: PasetoPurpose): readonly PasetoKey[] {
    const own = this.#bySlot.get(`${version}.${purpose}`) ?? [];
    const fetched = this.#source?.candidates(version, purpose) ?? [];
    return fetched.length === 0 ? own : [...own, ...fetched];
  }

  /** The key of this version and purpose with this PASERK id, if any. */
  find(version: PasetoVersion, purpose: PasetoPurpose, kid: string): PasetoKey | undefined {
    const key = this.#byKid.get(kid);
    if (key !== undefined && key.version === version && key.purpose === purpose) return key;
    return this.#source?.find(version, purpose, kid);
  }
}
