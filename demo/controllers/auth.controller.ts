import { Authorized, HttpCode, JsonController, Post, UnauthorizedError } from 'routing-controllers';
import { Service } from 'typedi';
import { Auth, FreshTokenRequired, PasetoAuthService, RefreshTokenRequired, type AuthPaseto } from '../../src';
import { LoginDto, ValidBody } from '../dto';
import { UserStore } from '../users';

/** What `POST /login` returns (fastapi-paseto's naming, so its clients work unchanged). */
export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
}

/** Log in, refresh, step-up (fresh) actions and log out. */
@Service()
@JsonController()
export class AuthController {
  constructor(
    private readonly auth: PasetoAuthService,
    private readonly users: UserStore,
  ) {}

  /**
   * Credentials → a new session: a fresh access token (roles as a claim, for `@Authorized('admin')`)
   * and a refresh token, sharing one session id.
   */
  @Post('/login')
  @HttpCode(200)
  async login(@ValidBody(LoginDto, 'login') body: LoginDto): Promise<TokenPair> {
    const user = await this.users.verifyCredentials(body.username, body.password);
    if (!user) throw new UnauthorizedError('Bad username or password');
    const pair = await this.auth.createTokenPair({ subject: user.username, fresh: true, userClaims: { roles: user.roles, name: user.name } });
    return { access_token: pair.accessToken, refresh_token: pair.refreshToken, token_type: 'Bearer' };
  }

  /**
   * A refresh token (in the Authorization header) → the next pair of the session: an access token
   * that is NOT fresh (it opens every route but those that want a password just typed,
   * `@FreshTokenRequired()`) and a new refresh token. The one presented is spent: sending it
   * again revokes the whole session (`refresh_token_reused`).
   */
  @Post('/refresh')
  @HttpCode(200)
  @RefreshTokenRequired()
  async refresh(@Auth() session: AuthPaseto): Promise<TokenPair> {
    // The user may be gone since the refresh token was made.
    if (!(await this.users.findByUsername(session.getSubject()))) throw new UnauthorizedError('User not found');
    const pair = await session.rotateRefreshToken();
    return { access_token: pair.accessToken, refresh_token: pair.refreshToken, token_type: 'Bearer' };
  }

  /** A sensitive action: only a token from a login (fresh), not one from `/refresh`. */
  @Post('/fresh-action')
  @HttpCode(200)
  @FreshTokenRequired()
  freshAction(@Auth() session: AuthPaseto): { ok: true; message: string } {
    return { ok: true, message: `Fresh token accepted for ${String(session.getSubject())}` };
  }

  /** Log out: revoke the session of this request's token, i.e. every token of this login, and end its sockets. */
  @Post('/logout')
  @HttpCode(200)
  @Authorized()
  async logout(@Auth() session: AuthPaseto): Promise<{ ok: true; revoked: 'session' }> {
    await session.revokeSession();
    return { ok: true, revoked: 'session' };
  }
}
