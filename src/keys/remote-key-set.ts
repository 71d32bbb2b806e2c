/**
 * A key set fetched from an issuer (option `keySetUrl`): fetched at start, held in memory, fetched
 * again when a token names a key it lacks (at most once per `minRefetchIntervalMs`) and when it is
 * older than `maxAgeMs`. A failed or refused fetch keeps the keys held. Verification of a token
 * whose key is held stays synchronous; only a token waiting for a fetch gets a promise.
 */
import { isIP } from 'node:net';
import type { PasetoPurpose, PasetoVersion } from '../config/options';
import { PasetoConfigError } from '../errors';
import type { PasetoClock } from '../clock';
import type { KeySource, PasetoKey } from './key-ring';
import { KeySetError, parseKeySet } from './key-set';

/** Most bytes read from a key set response (32 P-384 keys are about 2.5 KiB). */
export const MAX_KEY_SET_BYTES = 64 * 1024;

/** Options of a fetched key set (option `keySetOptions`); every one has a default. */
export interface KeySetOptions {
  /** Longest wait for one fetch, headers and body, in ms. Default `5000`. */
  timeoutMs?: number | undefined;
  /** Fewest ms between two fetches: a flood of tokens naming unknown keys costs one fetch. Default `5000`. */
  minRefetchIntervalMs?: number | undefined;
  /** Age in ms after which the next verification starts a fetch in the background (keys removed at the issuer are dropped). Default `600000`. */
  maxAgeMs?: number | undefined;
  /** Accept a plain `http:` URL to a host other than loopback. Default `false`: anyone on the path could swap the keys. */
  allowInsecureHttp?: boolean | undefined;
  /** Told of each failed or refused fetch (the service goes on with the keys it holds). */
  onError?: ((error: KeySetError) => void) | undefined;
}

const DEFAULTS = { timeoutMs: 5000, minRefetchIntervalMs: 5000, maxAgeMs: 600_000 } as const;
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The checked URL of `keySetUrl`. @throws PasetoConfigError */
function checkUrl(text: unknown, allowInsecureHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(String(text));
  } catch {
    throw new PasetoConfigError('keySetUrl', 'expected an absolute http(s) URL, e.g. https://issuer.example/.well-known/paseto-keys');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new PasetoConfigError('keySetUrl', `expected an http(s) URL, got ${url.protocol}`);
  if (url.username !== '' || url.password !== '') throw new PasetoConfigError('keySetUrl', 'must not hold credentials');
  const loopback = LOOPBACK_NAMES.has(url.hostname) || (isIP(url.hostname) === 4 && url.hostname.startsWith('127.'));
  if (url.protocol === 'http:' && !loopback && !allowInsecureHttp) {
    throw new PasetoConfigError('keySetUrl', 'plain http lets anyone on the network path replace the keys and sign tokens: use https (http is accepted for loopback hosts, or with keySetOptions.allowInsecureHttp)');
  }
  return url;
}

function checkOptions(options: unknown): Required<Omit<KeySetOptions, 'onError'>> & Pick<KeySetOptions, 'onError'> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new PasetoConfigError('keySetOptions', 'expected an object');
  const given = options as Record<string, unknown>;
  const checked = { ...DEFAULTS, allowInsecureHttp: false } as Required<Omit<KeySetOptions, 'onError'>> & Pick<KeySetOptions, 'onError'>;
  for (const [field, value] of Object.entries(given)) {
    if (value === undefined) continue;
    if (field === 'timeoutMs' || field === 'minRefetchIntervalMs' || field === 'maxAgeMs') {
      if (!Number.isSafeInteger(value) || (value as number) <= 0) throw new PasetoConfigError(`keySetOptions.${field}`, 'expected a whole number of ms > 0');
      checked[field] = value as number;
    } else if (field === 'allowInsecureHttp') {
      if (typeof value !== 'boolean') throw new PasetoConfigError(`keySetOptions.${field}`, 'expected true or false');
      checked.allowInsecureHttp = value;
    } else if (field === 'onError') {
      if (typeof value !== 'function') throw new PasetoConfigError(`keySetOptions.${field}`, 'expected a function (error) => void');
      checked.onError = value as (error: KeySetError) => void;
    } else {
      throw new PasetoConfigError(`keySetOptions.${field}`, 'unknown option (refused, not ignored)');
    }
  }
  return checked;
}

/** What the service gives a {@link RemoteKeySet}. */
export interface RemoteKeySetContext {
  /** The one version whose `public` keys the set may hold. */
  version: PasetoVersion;
  clock: PasetoClock;
  /** Called when keys were dropped (the verified-token cache must forget their tokens). */
  onKeysRemoved: () => void;
}

/** The fetched keys, looked up by the key ring after its own keys (see {@link KeySource}). */
export class RemoteKeySet implements KeySource {
  readonly version: PasetoVersion;
  readonly purpose: PasetoPurpose = 'public';
  readonly #url: URL;
  /** The URL as errors show it: no query string. */
  readonly #shownUrl: string;
  readonly #options: ReturnType<typeof checkOptions>;
  readonly #context: RemoteKeySetContext;
  #keys: readonly PasetoKey[] = [];
  #byKid = new Map<string, PasetoKey>();
  /** When the held set was fetched; `undefined` until one is. */
  #loadedAt: number | undefined;
  #lastFetchAt = Number.NEGATIVE_INFINITY;
  #inFlight: Promise<void> | undefined;
  #lastError: KeySetError | undefined;
  /** Set by a lookup that found no key this set could hold, during {@link verify}'s run. */
  #missed = false;

  /** Checks the URL and options; {@link start} fetches. @throws PasetoConfigError */
  constructor(url: unknown, options: unknown, context: RemoteKeySetContext) {
    this.#options = checkOptions(options ?? {});
    this.#url = checkUrl(url, this.#options.allowInsecureHttp);
    this.#shownUrl = `${this.#url.origin}${this.#url.pathname}`;
    this.#context = context;
    this.version = context.version;
  }

  /** Starts the first fetch (once the service is fully configured: no fetch for a service that fails to construct). */
  start(): void {
    void this.refetch();
  }

  find(version: PasetoVersion, purpose: PasetoPurpose, kid: string): PasetoKey | undefined {
    if (version !== this.version || purpose !== this.purpose) return undefined;
    const key = this.#byKid.get(kid);
    if (key === undefined) this.#missed = true;
    return key;
  }

  candidates(version: PasetoVersion, purpose: PasetoPurpose): readonly PasetoKey[] {
    if (version !== this.version || purpose !== this.purpose) return [];
    if (this.#loadedAt === undefined) this.#missed = true;
    return this.#keys;
  }

  /**
   * Runs a synchronous verification. When it fails for want of a key this set could hold (a token
   * naming an unknown key, or no set fetched yet), it runs once more after a fetch, if one is under
   * way or allowed now; otherwise the failure stands at once. A fetch never rejects.
   */
  verify<T>(run: () => T): T | Promise<T> {
    if (this.#loadedAt !== undefined && this.#context.clock.now() - this.#loadedAt >= this.#options.maxAgeMs) void this.refetch();
    this.#missed = false;
    try {
      return run();
    } catch (error) {
      const fetching = this.#missed ? this.refetch() : undefined;
      if (fetching === undefined) throw error;
      return fetching.then(run);
    }
  }

  /** Resolves once a set is held; rejects with the {@link KeySetError} of the last fetch when none is. */
  ready(): Promise<void> {
    if (this.#loadedAt !== undefined) return Promise.resolve();
    const fetching = this.refetch() ?? Promise.resolve();
    return fetching.then(() => {
      if (this.#loadedAt === undefined) throw this.#lastError ?? new KeySetError(this.#shownUrl, 'not fetched yet');
    });
  }

  /** The fetch under way, a new one when the rate limit allows, else `undefined`. */
  private refetch(): Promise<void> | undefined {
    if (this.#inFlight !== undefined) return this.#inFlight;
    const now = this.#context.clock.now();
    if (now - this.#lastFetchAt < this.#options.minRefetchIntervalMs) return undefined;
    this.#lastFetchAt = now;
    this.#inFlight = this.load().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  private async load(): Promise<void> {
    let keys: PasetoKey[] | string;
    try {
      keys = parseKeySet(await this.fetchBody(), this.version);
    } catch (error) {
      return this.fail(error instanceof KeySetError ? error : new KeySetError(this.#shownUrl, 'could not be read'));
    }
    if (typeof keys === 'string') return this.fail(new KeySetError(this.#shownUrl, `refused: it ${keys}`));
    const byKid = new Map(keys.map((key) => [key.kid, key]));
    const removed = [...this.#byKid.keys()].some((kid) => !byKid.has(kid));
    this.#keys = Object.freeze(keys);
    this.#byKid = byKid;
    this.#loadedAt = this.#context.clock.now();
    this.#lastError = undefined;
    if (removed) this.#context.onKeysRemoved();
  }

  private fail(error: KeySetError): void {
    this.#lastError = error;
    try {
      this.#options.onError?.(error);
    } catch {
      // A listener's failure must not become a failed verification.
    }
  }

  /** The response body as JSON, read within the time and size bounds. @throws KeySetError */
  private async fetchBody(): Promise<unknown> {
    const fail = (reason: string): KeySetError => new KeySetError(this.#shownUrl, reason);
    const timeout = `timed out after ${this.#options.timeoutMs} ms`;
    const signal = AbortSignal.timeout(this.#options.timeoutMs);
    let response: Response;
    try {
      response = await fetch(this.#url, { signal, redirect: 'error', headers: { accept: 'application/json' } });
    } catch (error) {
      if (signal.aborted) throw fail(timeout);
      const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
      const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : 'network error';
      throw fail(`could not be fetched (${detail})`);
    }
    const tooBig = `is larger than ${MAX_KEY_SET_BYTES} bytes`;
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      throw fail(`answered HTTP ${response.status}, expected 200`);
    }
    if (Number(response.headers.get('content-length') ?? 0) > MAX_KEY_SET_BYTES) {
      await response.body?.cancel().catch(() => undefined);
      throw fail(tooBig);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      const reader = response.body?.getReader();
      for (let read = await reader?.read(); read !== undefined && !read.done; read = await reader?.read()) {
        size += read.value.byteLength;
        if (size > MAX_KEY_SET_BYTES) {
          await reader?.cancel().catch(() => undefined);
          throw fail(tooBig);
        }
        chunks.push(read.value);
      }
    } catch (error) {
      if (error instanceof KeySetError) throw error;
      throw fail(signal.aborted ? timeout : 'the response broke off');
    }
    try {
      return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks))) as unknown;
    } catch {
      throw fail('is not JSON');
    }
  }
}
