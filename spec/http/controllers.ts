import 'reflect-metadata';
import { Authorized, Body, CurrentUser, Get, JsonController, Post, Req } from 'routing-controllers';
import type { HttpTokenLocation } from '../../src/config/options';
import { AuthPaseto } from '../../src/http/auth-handle';
import { Auth, FreshTokenRequired, PasetoOptional, PasetoRequired, RefreshTokenRequired } from '../../src/http/decorators';
import type { VerifiedToken } from '../../src/tokens/types';

/** The routes of fastapi-paseto's HTTP tests, one for one. */
@JsonController('/fa')
export class FastapiRoutes {
  @Get('/protected')
  @PasetoRequired()
  protected() {
    return { hello: 'world' };
  }

  @Get('/subject')
  @PasetoRequired()
  subject(@Auth() auth: AuthPaseto) {
    return { subject: auth.getSubject() };
  }

  @Get('/optional')
  @PasetoOptional()
  optional(@Auth() auth: AuthPaseto) {
    return auth.getSubjectOrNull() !== null ? { hello: 'world' } : { hello: 'anonym' };
  }

  @Get('/refresh')
  @RefreshTokenRequired()
  refresh(@Auth() auth: AuthPaseto) {
    return { subject: auth.getSubject() };
  }

  @Get('/fresh')
  @FreshTokenRequired()
  fresh() {
    return { hello: 'world' };
  }

  @Get('/other_type')
  @PasetoRequired({ type: 'other' })
  otherType() {
    return { hello: 'other' };
  }

  @Get('/custom')
  @PasetoRequired({ type: 'email-verify' })
  custom(@Auth() auth: AuthPaseto) {
    return { subject: auth.getSubject() };
  }

  @Get('/base64')
  @PasetoRequired({ base64Encoded: true })
  base64() {
    return { hello: 'base' };
  }

  @Get('/raw_token')
  @PasetoRequired()
  rawToken(@Auth() auth: AuthPaseto) {
    return auth.getTokenPayload();
  }

  @Get('/get_jti')
  @PasetoRequired()
  jti(@Auth() auth: AuthPaseto) {
    return { jti: auth.getJti() };
  }

  @Get('/get_refresh_jti')
  @RefreshTokenRequired()
  refreshJti(@Auth() auth: AuthPaseto) {
    return { jti: auth.getJti() };
  }

  @Get('/footer')
  @PasetoRequired()
  footer(@Auth() auth: AuthPaseto) {
    return { footer: auth.getTokenFooter(), payload: auth.getTokenPayload() };
  }

  @Get('/refresh_footer')
  @RefreshTokenRequired()
  refreshFooter(@Auth() auth: AuthPaseto) {
    return { footer: auth.getTokenFooter(), payload: auth.getTokenPayload() };
  }

  @Get('/implicit')
  @PasetoRequired({ implicitAssertion: 'channel-binding' })
  implicit(@Auth() auth: AuthPaseto) {
    return { subject: auth.getSubject() };
  }

  @Get('/protected_json')
  @PasetoRequired({ location: 'json' })
  protectedJson() {
    return { hello: 'world' };
  }

  @Post('/protected_json')
  @PasetoRequired({ location: 'json' })
  protectedJsonPost(@Req() req: { body?: unknown }) {
    // No @Body: what the lookup read must still be on req.body.
    return { hello: 'world', body: req.body };
  }

  @Post('/json_with_body')
  @PasetoRequired({ location: 'json' })
  jsonWithBody(@Body() body: Record<string, unknown>) {
    return { body };
  }

  @Post('/json_or_cookie')
  @PasetoRequired({ location: ['json', 'cookies'] })
  jsonOrCookie(@Auth() auth: AuthPaseto) {
    return { subject: auth.getSubject() };
  }

  @Get('/protected_json_refresh')
  @PasetoRequired({ location: 'json', tokenKey: 'refresh_token', refreshToken: true })
  protectedJsonRefresh() {
    return { hello: 'world' };
  }

  @Get('/json_refresh_default_key')
  @RefreshTokenRequired({ location: 'json' })
  jsonRefreshDefaultKey() {
    return { hello: 'world' };
  }

  @Get('/headers_then_json')
  @PasetoRequired({ location: ['headers', 'json'] })
  headersThenJson() {
    return { hello: 'world' };
  }

  @Get('/query')
  @PasetoRequired({ location: 'query' })
  query() {
    return { hello: 'query' };
  }

  @Get('/cookie')
  @PasetoRequired({ location: 'cookies' })
  cookie() {
    return { hello: 'cookie' };
  }

  @Post('/cookie')
  @PasetoRequired({ location: 'cookies' })
  cookiePost() {
    return { hello: 'cookie' };
  }

  @Get('/refresh_cookie')
  @RefreshTokenRequired({ location: 'cookies' })
  refreshCookie() {
    return { hello: 'refresh cookie' };
  }

  @Get('/cookie_or_header')
  @PasetoRequired({ location: ['headers', 'cookies'] })
  cookieOrHeader() {
    return { hello: 'cookie or header' };
  }

  @Get('/custom_header')
  @PasetoRequired({ tokenKey: 'X-Api-Token', tokenPrefix: null })
  customHeader() {
    return { hello: 'custom header' };
  }

  @Get('/auth_location')
  @PasetoOptional()
  async authLocation(@Auth() auth: AuthPaseto) {
    // A decorator refuses this at start-up (spec/http/options.spec.ts); a call can only refuse the request.
    await auth.pasetoRequired({ location: 'auth' as HttpTokenLocation });
    return { hello: 'never' };
  }

  @Get('/token_invalid_override')
  @PasetoOptional()
  async tokenInvalidOverride(@Auth() auth: AuthPaseto) {
    await auth.pasetoRequired({ token: 'token_override' });
    return { hello: 'never' };
  }

  @Get('/token_override')
  @PasetoOptional()
  async tokenOverride(@Auth() auth: AuthPaseto) {
    const token = await auth.createAccessToken({ subject: 'test' });
    await auth.pasetoRequired({ token });
    return { hello: 'world', subject: auth.getSubject() };
  }

  @Get('/handle_fresh')
  @Authorized()
  async handleFresh(@Auth() auth: AuthPaseto) {
    await auth.pasetoRequired({ fresh: true });
    return { hello: 'fresh' };
  }

  @Get('/handle_fresh_and_refresh')
  @PasetoOptional()
  async handleFreshAndRefresh(@Auth() auth: AuthPaseto) {
    await auth.pasetoRequired({ fresh: true, refreshToken: true });
    return { hello: 'never' };
  }
}

/** Roles: class-level and method-level entries add up. */
@JsonController('/roles')
@Authorized('member')
export class RolesController {
  @Get('/member')
  member() {
    return { ok: 'member' };
  }

  @Get('/admin')
  @Authorized('admin')
  admin() {
    return { ok: 'admin' };
  }

  @Get('/admin_and_ops')
  @Authorized(['admin', 'ops'])
  adminAndOps() {
    return { ok: 'admin+ops' };
  }

  @Get('/any')
  @PasetoRequired({ anyRole: ['ops', 'admin'] })
  any() {
    return { ok: 'any' };
  }

  @Get('/fresh_admin')
  @PasetoRequired({ fresh: true, roles: ['admin'] })
  freshAdmin() {
    return { ok: 'fresh admin' };
  }
}

/** Routes of plain `@Authorized`. */
@JsonController('/plain')
export class PlainController {
  @Get('/authorized')
  @Authorized()
  authorized(@CurrentUser() token: VerifiedToken) {
    return { subject: token.subject };
  }

  @Get('/optional_roles')
  @PasetoOptional({ roles: ['admin'] })
  optionalRoles() {
    return { ok: true };
  }
}

/** @CurrentUser with and without guards. */
@JsonController('/users')
export class UsersController {
  @Get('/me')
  @Authorized()
  me(@CurrentUser({ required: true }) user: unknown) {
    return { user };
  }

  @Get('/maybe')
  maybe(@CurrentUser() user: unknown) {
    return { user: user ?? null };
  }

  @Get('/optional')
  @PasetoOptional()
  optional(@CurrentUser() user: unknown) {
    return { user: user ?? null };
  }

  @Get('/required_unguarded')
  requiredUnguarded(@CurrentUser({ required: true }) user: unknown) {
    return { user };
  }

  @Get('/all')
  @Authorized()
  async all(@CurrentUser() user: unknown, @CurrentUser() again: unknown, @Auth() auth: AuthPaseto) {
    await auth.pasetoRequired();
    return { user, same: user === again, subject: auth.getSubject() };
  }
}
