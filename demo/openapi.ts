import type { Express } from 'express';
import { getMetadataArgsStorage } from 'routing-controllers';
import { routingControllersToSpec } from 'routing-controllers-openapi';
import swaggerUi from 'swagger-ui-express';
import { withPasetoSecurity, type PasetoAuthService } from '../src';

/** Options of {@link serveApiDocs}. */
export interface ApiDocsOptions {
  auth: PasetoAuthService;
  /** The controller classes of the app, as given to `useExpressServer`. */
  controllers: Function[];
}

// The demo's bodies are validated by its own decorator (demo/dto.ts), which routing-controllers-openapi
// cannot see: their schemas are written here.
const credentials = {
  type: 'object',
  required: ['username', 'password'],
  properties: { username: { type: 'string', example: 'test' }, password: { type: 'string', example: 'test' } },
};

/** The demo's OpenAPI document: routing-controllers-openapi's output, with PASETO security added. */
export function apiDocument({ auth, controllers }: ApiDocsOptions): object {
  const storage = getMetadataArgsStorage();
  // routingControllersToSpec documents every action of the storage it is given, and a process (a
  // test run) may hold other controllers: give it a view with this app's controllers only.
  const view = Object.assign(Object.create(storage) as typeof storage, {
    actions: storage.actions.filter((action) => controllers.includes(action.target)),
    controllers: storage.controllers.filter((controller) => controllers.includes(controller.target)),
  });
  const spec = routingControllersToSpec(view, {}, {
    info: { title: 'paseto-controllers demo', version: '1.0.0', description: 'Log in with POST /login (test/test or admin/admin), then Authorize with the access_token.' },
    paths: {
      '/login': { post: { requestBody: { required: true, content: { 'application/json': { schema: credentials } } } } },
    },
  });
  return withPasetoSecurity(spec, { auth, controllers });
}

/**
 * Serves the document at `/openapi.json` and Swagger UI at `/docs`. swagger-ui-express serves
 * Swagger UI's files from its npm package: no CDN, so the page works offline.
 */
export function serveApiDocs(app: Express, options: ApiDocsOptions): void {
  const document = apiDocument(options);
  app.get('/openapi.json', (_request, response) => {
    response.json(document);
  });
  // validatorUrl null: Swagger UI would otherwise send the document to an online validator for its badge.
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(undefined, { swaggerOptions: { url: '/openapi.json', validatorUrl: null } }));
}
