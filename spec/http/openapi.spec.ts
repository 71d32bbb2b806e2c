import 'reflect-metadata';
import { expect } from 'chai';
import { Validator } from '@seriousme/openapi-schema-validator';
import express from 'express';
import { Authorized, Delete, Get, getMetadataArgsStorage, JsonController, Param, Post, useExpressServer } from 'routing-controllers';
import { routingControllersToSpec } from 'routing-controllers-openapi';
import swaggerUi from 'swagger-ui-express';
import { Container } from 'typedi';
import type { HttpTokenLocation, PasetoAuthOptions } from '../../src/config/options';
import { PasetoConfigError } from '../../src/errors';
import { FreshTokenRequired, PasetoOptional, PasetoRequired, RefreshTokenRequired } from '../../src/http/decorators';
import { withPasetoSecurity, type OpenApiDocumentLike } from '../../src/http/openapi';
import { withPaseto } from '../../src/http/with-paseto';
import { configurePaseto } from '../../src/configure';
import { startDemo } from '../demo/helpers';
import { PASETO_CONFIG } from '../../src/service';
import { EXPRESS_MAJORS, LOCAL_KEY, client, makeApp, makeService } from './helpers';

@JsonController('/oas')
class OasAccountController {
  @Get('/me')
  @Authorized()
  me(): { ok: true } {
    return { ok: true };
  }

  @Get('/admin')
  @Authorized('admin')
  admin(): { ok: true } {
    return { ok: true };
  }

  @Get('/feed')
  @PasetoOptional()
  feed(): { ok: true } {
    return { ok: true };
  }

  @Post('/transfer')
  @FreshTokenRequired()
  transfer(): { ok: true } {
    return { ok: true };
  }

  @Post('/refresh')
  @RefreshTokenRequired()
  refresh(): { ok: true } {
    return { ok: true };
  }

  @Get('/export')
  @PasetoRequired({ location: 'query', tokenKey: 'access' })
  exportAll(): { ok: true } {
    return { ok: true };
  }

  @Get('/health')
  health(): { ok: true } {
    return { ok: true };
  }
}

@JsonController('/oas-staff')
@Authorized('staff')
class OasStaffController {
  @Get('/items')
  list(): { ok: true } {
    return { ok: true };
  }

  @Delete('/items/:id')
  @PasetoRequired({ anyRole: ['owner', 'manager'] })
  remove(@Param('id') id: string): { id: string } {
    return { id };
  }
}

const CONTROLLERS = [OasAccountController, OasStaffController];

// A class named as one above, elsewhere in the process, on other routes.
const OtherOasAccountController = (() => {
  @JsonController('/oas-other')
  class OasAccountController {
    @Get('/me')
    me(): { ok: true } {
      return { ok: true };
    }
  }
  return OasAccountController;
})();

// Two classes of one name (as two modules of a process may have): only `controllers` tells them apart.
const OasTwinOpen = (() => {
  @JsonController('/oas-twin')
  class OasTwinController {
    @Get('/x')
    x(): { ok: true } {
      return { ok: true };
    }
  }
  return OasTwinController;
})();
const OasTwinGuarded = (() => {
  @JsonController('/oas-twin')
  class OasTwinController {
    @Get('/x')
    @Authorized()
    x(): { ok: true } {
      return { ok: true };
    }
  }
  return OasTwinController;
})();

type Operation = {
  operationId: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { description: string; content?: Record<string, { schema: { $ref: string } }>; headers?: object }>;
  parameters?: { name: string; in: string; required?: boolean; description?: string }[];
  description?: string;
  'x-paseto'?: { tokenType: string; fresh: boolean; optional: boolean; roles: object[]; locations: object[] };
};
type Document = OpenApiDocumentLike & {
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes?: Record<string, Record<string, unknown>>; schemas?: Record<string, unknown> };
};

/**
 * routing-controllers-openapi's real output for some controllers: it documents every action in the
 * storage it is given, so it gets a view of the process-wide storage holding only these classes.
 */
function storageOf(controllers: readonly Function[]): ReturnType<typeof getMetadataArgsStorage> {
  const storage = getMetadataArgsStorage();
  return Object.assign(Object.create(storage) as typeof storage, {
    actions: storage.actions.filter((action) => controllers.includes(action.target)),
    controllers: storage.controllers.filter((controller) => controllers.includes(controller.target)),
  });
}

function generate(controllers: readonly Function[]): Document {
  return routingControllersToSpec(storageOf(controllers), { routePrefix: '/api' }, { info: { title: 'openapi spec', version: '1.0.0' } }) as Document;
}

function secured(options: PasetoAuthOptions = {}, controllers: readonly Function[] = CONTROLLERS): Document {
  return withPasetoSecurity(generate(controllers), { auth: makeService(options), controllers });
}

function operation(document: Document, id: string): Operation {
  for (const item of Object.values(document.paths)) for (const op of Object.values(item)) if (op.operationId === id) return op;
  throw new Error(`no operation ${id}`);
}

const ERROR_REF = '#/components/schemas/AuthPasetoError';

async function expectValid(document: Document): Promise<void> {
  const result = await new Validator().validate(document as unknown as Record<string, unknown>);
  expect(result.errors, JSON.stringify(result.errors, null, 2)).to.equal(undefined);
  expect(result.valid).to.equal(true);
}

describe('OpenAPI: withPasetoSecurity', () => {
  describe('default configuration (Authorization: Bearer)', () => {
    const document = secured();

    it('adds the bearer scheme with bearerFormat PASETO and the error body schema', () => {
      expect(document.components.securitySchemes).to.deep.equal({
        PasetoBearer: { type: 'http', scheme: 'bearer', bearerFormat: 'PASETO', description: 'A PASETO (v4.local) in the Authorization header: `Bearer <token>`.' },
        // The one route that asks for its token in ?access=.
        PasetoQuery: { type: 'apiKey', in: 'query', name: 'access', description: 'A PASETO (v4.local) in the access query parameter: `<token>`.' },
      });
      const schema = document.components.schemas?.AuthPasetoError as { required: string[]; properties: { code: { enum: string[] } } };
      expect(schema.required).to.deep.equal(['name', 'message', 'code', 'status']);
      expect(schema.properties.code.enum).to.include.members(['token_missing', 'insufficient_role', 'bad_header', 'csrf_failed']);
    });

    it('a guarded route: bearer security, 401 and 400 with the error body, no 403', () => {
      const me = operation(document, 'OasAccountController.me');
      expect(me.security).to.deep.equal([{ PasetoBearer: [] }]);
      expect(me.responses['401'].content?.['application/json'].schema.$ref).to.equal(ERROR_REF);
      expect(me.responses['401'].description).to.match(/^Unauthorized \(PASETO\): token_missing, invalid_token,/);
      expect(me.responses['401'].headers).to.have.property('WWW-Authenticate');
      expect(me.responses['400'].description).to.equal('Bad Request (PASETO): bad_header');
      expect(me.responses).not.to.have.property('403');
      // routing-controllers-openapi's own success response is kept.
      expect(me.responses).to.have.property('200');
      expect(me['x-paseto']).to.deep.equal({
        tokenType: 'access',
        fresh: false,
        optional: false,
        roles: [],
        locations: [{ in: 'header', name: 'Authorization', prefix: 'Bearer' }],
      });
      expect(me.description).to.equal('Authentication: requires a PASETO access token.');
    });

    it('roles: a 403 response, and the roles in x-paseto and the description', () => {
      const admin = operation(document, 'OasAccountController.admin');
      expect(admin.security).to.deep.equal([{ PasetoBearer: [] }]);
      expect(admin.responses['403'].description).to.equal('Forbidden (PASETO): insufficient_role');
      expect(admin.responses['403'].content?.['application/json'].schema.$ref).to.equal(ERROR_REF);
      expect(admin['x-paseto']?.roles).to.deep.equal([{ all: ['admin'] }]);
      expect(admin.description).to.equal('Authentication: requires a PASETO access token holding the role admin.');
    });

    it('optional: anonymous is an alternative ({}), and a missing token is not a refusal', () => {
      const feed = operation(document, 'OasAccountController.feed');
      expect(feed.security).to.deep.equal([{}, { PasetoBearer: [] }]);
      expect(feed.responses['401'].description).not.to.include('token_missing');
      expect(feed.responses['401'].description).to.include('wrong_token_type');
      expect(feed['x-paseto']?.optional).to.equal(true);
      expect(feed.description).to.equal('Authentication: optional PASETO access token; without one the call is anonymous.');
    });

    it('fresh and refresh routes say which token they take', () => {
      const transfer = operation(document, 'OasAccountController.transfer');
      expect(transfer.responses['401'].description).to.include('fresh_token_required');
      expect(transfer['x-paseto']).to.include({ tokenType: 'access', fresh: true });
      const refresh = operation(document, 'OasAccountController.refresh');
      expect(refresh.security).to.deep.equal([{ PasetoBearer: [] }]);
      expect(refresh['x-paseto']).to.include({ tokenType: 'refresh', fresh: false });
      expect(refresh.description).to.equal('Authentication: requires a PASETO refresh token.');
    });

    it("a route's own location and key get a scheme of their own", () => {
      const exportAll = operation(document, 'OasAccountController.exportAll');
      expect(exportAll.security).to.deep.equal([{ PasetoQuery: [] }]);
      expect(exportAll['x-paseto']?.locations).to.deep.equal([{ in: 'query', name: 'access', prefix: null }]);
    });

    it('an unguarded route gets no security, no error responses, no extension', () => {
      const health = operation(document, 'OasAccountController.health');
      expect(health).not.to.have.property('security');
      expect(Object.keys(health.responses)).to.deep.equal(['200']);
      expect(health).not.to.have.property('x-paseto');
      expect(health).not.to.have.property('description');
    });

    it('a class-level guard applies to every route of the class; method roles add to it', () => {
      const list = operation(document, 'OasStaffController.list');
      expect(list.security).to.deep.equal([{ PasetoBearer: [] }]);
      expect(list.responses).to.have.property('403');
      expect(list['x-paseto']?.roles).to.deep.equal([{ all: ['staff'] }]);
      const remove = operation(document, 'OasStaffController.remove');
      expect(remove['x-paseto']?.roles).to.deep.equal([{ all: ['staff'] }, { any: ['owner', 'manager'] }]);
      expect(remove.description).to.equal('Authentication: requires a PASETO access token holding the role staff and one of the roles owner, manager.');
    });

    it('validates against the OpenAPI 3.0 schema', async () => {
      await expectValid(document);
    });

    it('says of each route what the running app does: a request without a token is refused exactly where the document says', async () => {
      const auth = makeService();
      const app = makeApp(EXPRESS_MAJORS[0].create, { controllers: CONTROLLERS, auth });
      let checked = 0;
      for (const [path, item] of Object.entries(document.paths)) {
        for (const [method, op] of Object.entries(item)) {
          // The document was generated with routePrefix /api; the app has none.
          const url = path.replace(/^\/api/, '').replace('{id}', '7');
          const response = await client(app)[method as 'get' | 'post' | 'delete'](url);
          const needsToken = op.security !== undefined && !op.security.some((requirement) => Object.keys(requirement).length === 0);
          expect(response.status, `${method} ${url}`).to.equal(needsToken ? 401 : 200);
          if (needsToken) expect(op.responses['401'].description).to.include(response.body.code as string);
          checked += 1;
        }
      }
      expect(checked).to.equal(9);
    });
  });

  it('does not change its input', () => {
    const input = generate(CONTROLLERS);
    const before = structuredClone(input);
    const output = withPasetoSecurity(input, { auth: makeService(), controllers: CONTROLLERS });
    expect(input).to.deep.equal(before);
    expect(output).not.to.equal(input);
    expect(output.paths).not.to.equal(input.paths);
  });

  it('is idempotent: run again on its own output it gives the same document', () => {
    const once = secured({ tokenLocation: ['headers', 'cookies'] });
    expect(withPasetoSecurity(once, { auth: makeService({ tokenLocation: ['headers', 'cookies'] }), controllers: CONTROLLERS })).to.deep.equal(once);
  });

  it('an OpenAPI 3.1 document comes out valid too', async () => {
    const input = { ...generate(CONTROLLERS), openapi: '3.1.0' };
    await expectValid(withPasetoSecurity(input, { auth: makeService(), controllers: CONTROLLERS }));
  });

  it('cookie and query locations give apiKey schemes; cookie routes that need CSRF document the header', async () => {
    const document = secured({ tokenLocation: ['headers', 'cookies', 'query'] });
    const schemes = document.components.securitySchemes ?? {};
    expect(schemes.PasetoCookie).to.deep.include({ type: 'apiKey', in: 'cookie', name: 'access_token_cookie' });
    expect(schemes.PasetoQuery).to.deep.include({ type: 'apiKey', in: 'query', name: 'token' });
    // The route asking for ?access= keeps its own scheme beside the configuration's ?token=.
    expect(schemes['PasetoQuery.access']).to.deep.include({ type: 'apiKey', in: 'query', name: 'access' });
    expect(schemes.PasetoRefreshCookie).to.deep.include({ type: 'apiKey', in: 'cookie', name: 'refresh_token_cookie' });

    expect(operation(document, 'OasAccountController.me').security).to.deep.equal([{ PasetoBearer: [] }, { PasetoCookie: [] }, { PasetoQuery: [] }]);
    expect(operation(document, 'OasAccountController.exportAll').security).to.deep.equal([{ 'PasetoQuery.access': [] }]);
    expect(operation(document, 'OasAccountController.refresh').security).to.deep.equal([
      { PasetoBearer: [] },
      { PasetoRefreshCookie: [] },
      { PasetoQuery: [] },
    ]);

    // POST with a cookie-borne token needs the CSRF header; GET does not.
    const transfer = operation(document, 'OasAccountController.transfer');
    expect(transfer.parameters).to.deep.include({
      name: 'X-CSRF-Token',
      in: 'header',
      required: false,
      description: 'Double-submit CSRF check: the value of the csrf_access_token cookie. Required when the token comes from the access_token_cookie cookie.',
      schema: { type: 'string' },
    });
    expect(transfer.responses['401'].description).to.include('csrf_failed');
    expect(operation(document, 'OasAccountController.refresh').parameters?.[0].description).to.include('csrf_refresh_token');
    expect(operation(document, 'OasAccountController.me').parameters ?? []).to.deep.equal([]);
    await expectValid(document);
  });

  it('another header name or type is an apiKey header; a JSON body location is said in x-paseto and the description', async () => {
    const document = secured({ tokenLocation: ['headers', 'json'], headerName: 'X-Api-Token', headerType: null });
    expect(document.components.securitySchemes?.PasetoHeader).to.deep.equal({
      type: 'apiKey',
      in: 'header',
      name: 'X-Api-Token',
      description: 'A PASETO (v4.local) in the X-Api-Token header: `<token>`.',
    });
    expect(document.components.securitySchemes).not.to.have.property('PasetoBearer');
    const refresh = operation(document, 'OasAccountController.refresh');
    expect(refresh.security).to.deep.equal([{ PasetoHeader: [] }]);
    expect(refresh['x-paseto']?.locations).to.deep.equal([
      { in: 'header', name: 'X-Api-Token', prefix: null },
      { in: 'body', name: 'refresh_token', prefix: null },
    ]);
    expect(refresh.description).to.equal('Authentication: requires a PASETO refresh token. The token may be sent in the JSON body field `refresh_token`.');
    await expectValid(document);
  });

  it('responses follow the configured status of each code', () => {
    const document = secured({ statusCodes: { token_missing: 422, insufficient_role: 401 } });
    const admin = operation(document, 'OasAccountController.admin');
    expect(admin.responses['422'].description).to.equal('Unprocessable Entity (PASETO): token_missing');
    expect(admin.responses['401'].description).to.include('insufficient_role').and.not.include('token_missing');
    expect(admin.responses).not.to.have.property('403');
  });

  it("keeps the application's own documentation of a status", () => {
    const input = generate(CONTROLLERS);
    input.paths['/api/oas/me'].get.responses['401'] = { description: 'Log in first' };
    const document = withPasetoSecurity(input, { auth: makeService(), controllers: CONTROLLERS });
    expect(operation(document, 'OasAccountController.me').responses['401']).to.deep.equal({ description: 'Log in first' });
  });

  it('two controller classes of one name: refused unless the app names its controllers', () => {
    const input = generate([OasTwinGuarded]);
    expect(() => withPasetoSecurity(input, { auth: makeService() })).to.throw(PasetoConfigError, /OasTwinController\.x.*controllers/);
    expect(operation(withPasetoSecurity(input, { auth: makeService(), controllers: [OasTwinGuarded] }), 'OasTwinController.x').security).to.deep.equal([
      { PasetoBearer: [] },
    ]);
    expect(operation(withPasetoSecurity(input, { auth: makeService(), controllers: [OasTwinOpen] }), 'OasTwinController.x')).not.to.have.property('security');
  });

  it('a class of the same name on other routes is told apart by method and route, even without controllers', () => {
    const document = withPasetoSecurity(generate([OasAccountController, OtherOasAccountController]), { auth: makeService() });
    expect(document.paths['/api/oas/me'].get.security).to.deep.equal([{ PasetoBearer: [] }]);
    expect(document.paths['/api/oas-other/me'].get.operationId).to.equal('OasAccountController.me');
    expect(document.paths['/api/oas-other/me'].get).not.to.have.property('security');
  });

  it('a guarded route of the named controllers missing from the document is an error, not a silent gap', () => {
    const input = generate(CONTROLLERS);
    delete input.paths['/api/oas/admin'];
    expect(() => withPasetoSecurity(input, { auth: makeService(), controllers: CONTROLLERS })).to.throw(PasetoConfigError, /OasAccountController\.admin/);
  });

  it('a route naming a location HTTP does not have is refused when it is declared, before any document is built', () => {
    expect(() => {
      @JsonController('/oas-bad-location')
      class OasBadLocationController {
        @Get('/x')
        @PasetoRequired({ location: 'auth' as HttpTokenLocation })
        x(): { ok: true } {
          return { ok: true };
        }
      }
      return OasBadLocationController;
    }).to.throw(PasetoConfigError, /location.*'auth'/);
  });

  it('refuses what is not an OpenAPI 3 document', () => {
    expect(() => withPasetoSecurity({ swagger: '2.0' } as unknown as OpenApiDocumentLike, { auth: makeService() })).to.throw(PasetoConfigError, /OpenAPI 3/);
  });

  it("the demo serves its document at /openapi.json: valid, its guarded routes secured, /login open", async () => {
    const demo = await startDemo();
    try {
      const document = (await demo.http.get('/openapi.json').expect(200)).body as Document;
      await expectValid(document);
      const securityOf = (id: string): unknown => operation(document, id).security;
      for (const id of ['UserController.me', 'UserController.admin', 'AuthController.refresh', 'AuthController.freshAction', 'AuthController.logout']) {
        expect(securityOf(id), id).to.deep.equal([{ PasetoBearer: [] }]);
      }
      expect(securityOf('AuthController.login')).to.equal(undefined);
      expect(operation(document, 'UserController.admin').responses).to.have.property('403');
    } finally {
      await demo.close();
    }
  });

  describe('README: OpenAPI', () => {
    @JsonController('/oas-readme')
    class AccountController {
      @Get('/me')
      @Authorized()
      me() {
        return { ok: true };
      }

      @Get('/hello')
      hello() {
        return { ok: true };
      }
    }

    // The README's getMetadataArgsStorage(), as an app holding only this controller has it: a test
    // run loads every spec's controllers (some deliberately half-decorated, which
    // routing-controllers-openapi cannot document).
    const getMetadataArgsStorage = (): ReturnType<typeof storageOf> => storageOf([AccountController]);

    function createApp() {
      configurePaseto({ secretKey: process.env.PASETO_SECRET_KEY });
      const app = express();
      useExpressServer(app, withPaseto({ controllers: [AccountController] }));
      const spec = routingControllersToSpec(getMetadataArgsStorage(), {}, { info: { title: 'My API', version: '1.0.0' } });
      const openApi = withPasetoSecurity(spec, { controllers: [AccountController] });
      app.get('/openapi.json', (_request, response) => {
        response.json(openApi);
      });
      app.use('/docs', swaggerUi.serve, swaggerUi.setup(openApi));
      return app;
    }

    beforeEach(() => {
      process.env.PASETO_SECRET_KEY = LOCAL_KEY;
    });
    afterEach(() => {
      delete process.env.PASETO_SECRET_KEY;
      Container.remove(PASETO_CONFIG);
      Container.reset();
    });

    it('serves the document with the routes secured, and Swagger UI from the package', async () => {
      const app = createApp();

      const document = (await client(app).get('/openapi.json').expect(200)).body as Document;
      expect(document.paths['/oas-readme/me'].get.security).to.deep.equal([{ PasetoBearer: [] }]);
      expect(document.paths['/oas-readme/hello'].get).not.to.have.property('security');
      await client(app).get('/oas-readme/me').expect(401);
      await client(app).get('/oas-readme/hello').expect(200);
      const docs = await client(app).get('/docs/').expect(200);
      expect(docs.text).to.include('swagger-ui-bundle.js');
      await client(app).get('/docs/swagger-ui-bundle.js').expect(200);
    });
  });
});
