import type { DenylistStore, Revocation } from './store';

/**
 * Every revocation this process should act on (ending live sockets): the store's own feed when it
 * has one (it reports revocations made by any process sharing it, this one included), else the
 * revocations this service made. Subscribes to the store only while someone listens.
 */
export class RevocationFeed {
  // Wrapper objects, so one function subscribed twice holds two independent subscriptions.
  readonly #listeners = new Set<{ readonly listener: (revocation: Revocation) => void }>();
  #stopStore: (() => void) | undefined;

  constructor(private readonly store: DenylistStore) {}

  /** True when the store reports revocations itself: {@link local} then has nothing to add. */
  get fromStore(): boolean {
    return typeof this.store.onRevocation === 'function';
  }

  subscribe(listener: (revocation: Revocation) => void): () => void {
    const subscription = { listener };
    this.#listeners.add(subscription);
    if (this.#stopStore === undefined && this.store.onRevocation !== undefined) {
      this.#stopStore = this.store.onRevocation((revocation) => this.#tell(revocation));
    }
    return () => {
      this.#listeners.delete(subscription);
      if (this.#listeners.size === 0) {
        this.#stopStore?.();
        this.#stopStore = undefined;
      }
    };
  }

  /** A revocation this service made, for a store without a feed of its own. */
  local(revocation: Revocation): void {
    if (!this.fromStore) this.#tell(revocation);
  }

  #tell(revocation: Revocation): void {
    for (const { listener } of [...this.#listeners]) {
      try {
        listener(revocation);
      } catch {
        // The revocation has happened: a listener's failure is the listener's to report.
      }
    }
  }
}
