import { Authorized, BadRequestError, HttpCode, JsonController, Post, UnauthorizedError } from 'routing-controllers';
import { Service } from 'typedi';
import { Auth, FreshTokenRequired, PasetoAuthService, RefreshTokenRequired, type AuthPaseto } from '../../src';
import { LoginDto, LogoutDto, ValidBody } from '../dto';
import { UserStore, type DemoUser } from '../users';

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

  /** Credentials → a fresh access token (roles as a claim, for `@Authorized('admin')`) and a refresh token. */
  @Post('/login')
  @HttpCode(200)
  async login(@ValidBody(LoginDto, 'login') body: LoginDto): Promise<TokenPair> {
    const user = await this.users.verifyCredentials(body.username, body.password);
    if (!user) throw new UnauthorizedError('Bad username or password');
    return {
      access_token: await this.accessTokenFor(user, true),
      refresh_token: await this.auth.createRefreshToken({ subject: user.username }),
      token_type: 'Bearer',
    };
  }

  /**
   * A refresh token (in the Authorization header) → a new access token that is NOT fresh:
   * it opens every route but those that want a password just typed (`@FreshTokenRequired()`).
   */
  @Post('/refresh')
  @HttpCode(200)
  @RefreshTokenRequired()
  async refresh(@Auth() session: AuthPaseto): Promise<{ access_token: string; token_type: 'Bearer' }> {
    // Reload the user: roles may have changed (or the user gone) since the refresh token was made.
    const user = await this.users.findByUsername(session.getSubject());
    if (!user) throw new UnauthorizedError('User not found');
    return { access_token: await this.accessTokenFor(user, false), token_type: 'Bearer' };
  }

  /** A sensitive action: only a token from a login (fresh), not one from `/refresh`. */
  @Post('/fresh-action')
  @HttpCode(200)
  @FreshTokenRequired()
  freshAction(@Auth() session: AuthPaseto): { ok: true; message: string } {
    return { ok: true, message: `Fresh token accepted for ${String(session.getSubject())}` };
  }

  /** Revoke the access token of this request and, when the body names one, the user's refresh token. */
  @Post('/logout')
  @HttpCode(200)
  @Authorized()
  async logout(@Auth() session: AuthPaseto, @ValidBody(LogoutDto, 'logout') body: LogoutDto): Promise<{ ok: true; revoked: string[] }> {
    const access = session.getVerifiedToken();
    if (access === null) throw new UnauthorizedError('PASETO Authorization Token required'); // unreachable behind @Authorized()
    const revoked = ['access_token'];
    if (body.refresh_token !== undefined) {
      // Verify before revoking: only a genuine refresh token of this same user may be revoked here.
      const refresh = await this.auth.verifyToken(body.refresh_token, { refreshToken: true });
      if (String(refresh.subject) !== String(access.subject)) throw new BadRequestError('refresh_token belongs to another user');
      await this.auth.revokeToken(refresh);
      revoked.push('refresh_token');
    }
    await this.auth.revokeToken(access);
    return { ok: true, revoked };
  }

  private accessTokenFor(user: DemoUser, fresh: boolean): Promise<string> {
    return this.auth.createAccessToken({ subject: user.username, fresh, userClaims: { roles: user.roles, name: user.name } });
  }
}
