import { createHash, timingSafeEqual } from 'node:crypto';
import { Service } from 'typedi';

/** A user as the demo shows it: never the password. */
export interface DemoUser {
  username: string;
  name: string;
  roles: string[];
}

interface StoredUser extends DemoUser {
  /** SHA-256 of the password. A real application stores a slow hash (argon2, scrypt); this is a demo. */
  passwordHash: Buffer;
}

function hash(password: string): Buffer {
  return createHash('sha256').update(password, 'utf8').digest();
}

/** The demo's user directory: `test`/`test` (no roles) and `admin`/`admin` (role `admin`). */
@Service()
export class UserStore {
  private readonly users = new Map<string, StoredUser>(
    [
      { username: 'test', name: 'Test User', roles: [], passwordHash: hash('test') },
      { username: 'admin', name: 'Ada Admin', roles: ['admin'], passwordHash: hash('admin') },
    ].map((user) => [user.username, user]),
  );

  /**
   * The user whose password matches, or `undefined`.
   * Compares digests in constant time so a wrong password takes as long as a right one.
   */
  async verifyCredentials(username: string, password: string): Promise<DemoUser | undefined> {
    const user = this.users.get(username);
    const given = hash(password);
    const ok = timingSafeEqual(given, user?.passwordHash ?? hash(`${password}\u0000`));
    return ok && user ? toPublic(user) : undefined;
  }

  /** The user named by a token's subject, or `undefined` when there is none (any more). */
  async findByUsername(username: string | number): Promise<DemoUser | undefined> {
    const user = this.users.get(String(username));
    return user ? toPublic(user) : undefined;
  }
}

function toPublic(user: StoredUser): DemoUser {
  return { username: user.username, name: user.name, roles: [...user.roles] };
}
