import { PasetoConfigError } from '../errors';
import type { ResolvedKeyOptions } from '../keys/key-ring';
import { OPTIONS, type PasetoAuthOptions, type ResolvedPasetoConfig } from './options';
import { KEY_ENTRY_FIELDS } from './schema';
import type { PasetoKeyOptions } from './types';

type Spec = (typeof OPTIONS)[keyof typeof OPTIONS];
const SPECS = Object.entries(OPTIONS) as [keyof typeof OPTIONS, Spec][];

/** Options whose default is "none" or depends on other options. */
type WithoutFixedDefault = 'encodeIssuer' | 'decodeIssuer' | 'decodeAudience' | 'requireJti' | 'cookieDomain' | 'cookieMaxAge';

/** The default of every option that has a fixed one (fastapi-paseto's, camelCased), from the options table. */
export const DEFAULTS: Readonly<Omit<ResolvedPasetoConfig, WithoutFixedDefault>> = Object.freeze(
  Object.fromEntries(SPECS.filter(([, spec]) => spec.default !== undefined && typeof spec.default !== 'function').map(([name, spec]) => [name, spec.default])) as Omit<
    ResolvedPasetoConfig,
    WithoutFixedDefault
  >,
);

const TOP_LEVEL_KEY_FIELDS = ['secretKey', 'secretKeyFile', 'privateKey', 'privateKeyFile', 'publicKey', 'publicKeyFile'] as const;
const UNKNOWN = 'unknown option (refused, not ignored)';

/** The configuration and the key entries to import, both checked. */
export interface ResolvedOptions {
  config: ResolvedPasetoConfig;
  keys: ResolvedKeyOptions[];
  /** The field prefix of key entry i, for error messages (`''` or `keys[i].`). */
  keyField: (index: number) => string;
}

function checkKeyEntry(entry: PasetoKeyOptions, index: number): void {
  for (const [field, value] of Object.entries(entry)) {
    const check = KEY_ENTRY_FIELDS[field as keyof PasetoKeyOptions];
    if (!check) throw new PasetoConfigError(`keys[${index}].${field}`, UNKNOWN);
    const problem = value === undefined ? null : check(value);
    if (problem) throw new PasetoConfigError(`keys[${index}].${field}`, problem);
  }
}

const has = (options: PasetoKeyOptions, field: keyof PasetoKeyOptions): boolean => options[field] !== undefined;

/** Top-level key fields become up to two key entries, the one of the configured purpose first. */
function topLevelKeys(options: PasetoAuthOptions, version: 3 | 4, purpose: 'local' | 'public'): ResolvedKeyOptions[] {
  const local: ResolvedKeyOptions | null =
    has(options, 'secretKey') || has(options, 'secretKeyFile')
      ? { version, purpose: 'local', secretKey: options.secretKey, secretKeyFile: options.secretKeyFile }
      : null;
  const pub: ResolvedKeyOptions | null =
    has(options, 'privateKey') || has(options, 'privateKeyFile') || has(options, 'publicKey') || has(options, 'publicKeyFile')
      ? {
          version,
          purpose: 'public',
          privateKey: options.privateKey,
          privateKeyFile: options.privateKeyFile,
          publicKey: options.publicKey,
          publicKeyFile: options.publicKeyFile,
        }
      : null;
  if (purpose === 'local' && !local) {
    throw new PasetoConfigError('secretKey', "a secret key (secretKey or secretKeyFile) is required when purpose is 'local'");
  }
  if (purpose === 'public' && !pub) {
    throw new PasetoConfigError('privateKey', "a private key (privateKey / privateKeyFile) or a public key (publicKey / publicKeyFile) is required when purpose is 'public'");
  }
  const ordered = purpose === 'local' ? [local, pub] : [pub, local];
  return ordered.filter((entry): entry is ResolvedKeyOptions => entry !== null).map(stripUndefined);
}

function stripUndefined(entry: ResolvedKeyOptions): ResolvedKeyOptions {
  return Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined)) as ResolvedKeyOptions;
}

/** Checks every given option against its table entry (unknown ones refused) and fills in the rest. */
function resolveConfig(options: Readonly<Record<string, unknown>>): ResolvedPasetoConfig {
  for (const name of Object.keys(options)) {
    if (!Object.hasOwn(OPTIONS, name)) throw new PasetoConfigError(name, UNKNOWN);
  }
  const config: Record<string, unknown> = {};
  for (const [name, spec] of SPECS) {
    const value = options[name];
    if (value !== undefined) {
      const problem = spec.check(value);
      if (problem !== null) throw new PasetoConfigError(name, problem);
    }
    if ('inConfig' in spec) continue;
    const resolve = 'resolve' in spec ? (spec.resolve as (given: unknown) => unknown) : (given: unknown) => given;
    config[name] = value !== undefined ? resolve(value) : typeof spec.default === 'function' ? spec.default(options) : spec.default;
  }
  return Object.freeze(config) as unknown as ResolvedPasetoConfig;
}

/**
 * Validates options against the options table and fills in defaults.
 * @throws PasetoConfigError naming the first field at fault
 */
export function resolveOptions(options: PasetoAuthOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new PasetoConfigError('options', 'expected an options object');
  }
  // A service verifying with a fetched key set only (no key option) verifies public tokens.
  const fetchedOnly = options.keySetUrl !== undefined && !options.keys && !TOP_LEVEL_KEY_FIELDS.some((field) => options[field] !== undefined);
  const config = resolveConfig(fetchedOnly && options.purpose === undefined ? { ...options, purpose: 'public' } : options);

  const { version, purpose } = config;
  let keys: ResolvedKeyOptions[];
  let keyField: (index: number) => string;
  if (options.keys) {
    const topLevel = TOP_LEVEL_KEY_FIELDS.find((field) => options[field] !== undefined);
    if (topLevel) throw new PasetoConfigError(topLevel, 'cannot be combined with keys: put every key in the keys list');
    options.keys.forEach(checkKeyEntry);
    keys = options.keys.map((entry) => stripUndefined({ ...entry, version: entry.version ?? version, purpose: entry.purpose ?? purpose }));
    keyField = (index) => `keys[${index}].`;
  } else if (fetchedOnly) {
    if (purpose !== 'public') throw new PasetoConfigError('purpose', "a key set holds public keys: purpose must be 'public' (or configure secretKey too)");
    keys = [];
    keyField = () => '';
  } else {
    keys = topLevelKeys(options, version, purpose);
    keyField = () => '';
  }

  if (config.cookieSameSite === 'none' && !config.cookieSecure) {
    // Browsers drop a SameSite=None cookie that is not Secure: the cookies would silently never arrive.
    throw new PasetoConfigError('cookieSameSite', "'none' requires cookieSecure: true (browsers refuse SameSite=None cookies without Secure)");
  }
  return { config, keys, keyField };
}
