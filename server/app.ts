import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import express, { type NextFunction, type Request, type Response } from 'express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import type { Deps } from './shared/deps.js';
import { mountRoutes, type RouteSpec } from './shared/http.js';
import { archiveDoor } from './privacy/index.js';
import { archivedRestricted, canReadArchived } from './participants/index.js';
import { pathOnly } from './shared/logger.js';
import { errorHandler, notFoundHandler } from './shared/error-handler.js';
import { flash, preSessionCsrf, resolveActor, takeFlash } from './auth/sessions.js';
import { csrfProtection } from './auth/csrf.js';
import { authRoutes } from './auth/routes.js';
import { authPages } from './auth/pages.js';
import { userRoutes } from './users/routes.js';
import { userPages } from './users/pages.js';
import { settingsRoutes } from './settings/routes.js';
import { settingsPages } from './settings/pages.js';
import { auditRoutes, auditPages } from './audit/routes.js';
import { partnerRoutes } from './partners/routes.js';
import { partnerPages } from './partners/pages.js';
import { participantRoutes } from './participants/routes.js';
import { importPages as participantImportPages } from './participants/import-pages.js';
import { formPages as participantFormPages } from './participants/form-pages.js';
import { mergePages as participantMergePages } from './participants/merge-pages.js';
import { browsePages as participantBrowsePages } from './participants/pages.js';
import { payeeRoutes } from './payees/routes.js';
import { payeePages } from './payees/pages.js';
import { consentRoutes } from './consents/routes.js';
import { consentPages } from './consents/pages.js';
import { purposePages } from './consents/purpose-pages.js';
import { privacyRoutes } from './privacy/routes.js';
import { privacyPages } from './privacy/pages.js';
import { participantPrivacyPages } from './privacy/participant-page.js';
import { homePages } from './home/pages.js';
import { healthRoutes } from './health/routes.js';
import { jobRoutes } from './jobs/routes.js';
import { outboxRoutes, outboxPages } from './notifications/routes.js';
import { projectRoutes } from './projects/routes.js';
import { projectPages } from './projects/pages.js';
import { venueRoutes } from './venues/routes.js';
import { venuePages } from './venues/pages.js';
import { sessionRoutes } from './sessions/routes.js';
import { sessionPages } from './sessions/pages.js';
import { rateRoutes } from './reimbursement/routes.js';
import { ratePages } from './reimbursement/pages.js';
import { claimRoutes } from './claims/routes.js';
import { entryPages as claimEntryPages } from './claims/entry-pages.js';
import { claimPages as claimBrowsePages } from './claims/pages.js';
import { detailPages as claimDetailPages } from './claims/detail-pages.js';
import { paymentRoutes } from './payments/routes.js';
import { paymentPages } from './payments/pages.js';
import { grantRoutes } from './grants/routes.js';
import { grantPages } from './grants/pages.js';
import { grantReportRoutes } from './grant-reports/routes.js';
import { grantReportPages } from './grant-reports/pages.js';
import { buildOpenApi, openApiRoutes } from './openapi/index.js';
import { pageContext, renderErrorPage } from './shared/pages.js';
import { settingsLoader } from './settings/index.js';
import { actingActorOf, makeActing } from './shared/acting.js';
import { PROJECT_ROOT } from './shared/paths.js';

const require = createRequire(import.meta.url);

/** Every route of the application, API and pages; the OpenAPI document and the policy test read this list. */
export function allRoutes(deps: Deps): RouteSpec[] {
  return [
    ...healthRoutes(deps),
    ...authRoutes(deps),
    ...authPages(deps),
    ...userRoutes(deps),
    ...userPages(deps),
    ...settingsRoutes(deps),
    ...settingsPages(deps),
    ...auditRoutes(deps),
    ...auditPages(deps),
    ...partnerRoutes(deps),
    ...partnerPages(deps),
    ...participantRoutes(deps),
    // Participant pages: fixed paths (`/participants/new`, `/participants/imports`) before `/participants/:id`.
    ...participantImportPages(deps),
    ...participantFormPages(deps),
    ...participantMergePages(deps),
    ...participantBrowsePages(deps),
    ...payeeRoutes(deps),
    ...payeePages(deps),
    ...consentRoutes(deps),
    ...consentPages(deps),
    ...purposePages(deps),
    ...privacyRoutes(deps),
    ...privacyPages(deps),
    ...participantPrivacyPages(deps),
    ...homePages(deps),
    ...jobRoutes(deps),
    ...outboxRoutes(deps),
    ...outboxPages(deps),
    ...projectRoutes(deps),
    ...projectPages(deps),
    ...venueRoutes(deps),
    ...venuePages(deps),
    ...sessionRoutes(deps),
    ...sessionPages(deps),
    ...rateRoutes(deps),
    ...ratePages(deps),
    ...claimRoutes(deps),
    // Claim pages: fixed paths (`/claims/new`, `/claims/advances`) before `/claims/:id`.
    ...claimEntryPages(deps),
    ...claimBrowsePages(deps),
    ...claimDetailPages(deps),
    ...paymentRoutes(deps),
    ...paymentPages(deps),
    ...grantRoutes(deps),
    ...grantPages(deps),
    ...grantReportRoutes(deps),
    ...grantReportPages(deps),
  ];
}

/** The Express application, without `listen` (tests start it on a free port). */
export function createApp(deps: Deps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy);
  const loadSettings = settingsLoader(deps.db);

  app.use((req: Request, res: Response, next: NextFunction) => {
    const given = req.get('x-request-id');
    const requestId = given && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const log = deps.log.child({ reqId: requestId });
    // Nobody until the session or token is resolved; `mountRoutes` builds the route's own.
    const acting = makeActing({ actor: actingActorOf(null), requestId, now: deps.now(), settings: loadSettings });
    req.ctx = { requestId, actor: null, acting, log, ip: req.ip ?? 'unknown' };
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      log.info(
        {
          method: req.method,
          path: pathOnly(req.originalUrl),
          status: res.statusCode,
          ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
          userId: req.ctx.actor?.userId,
        },
        'request',
      );
    });
    next();
  });

  // What pages take from the session and the settings (shared/pages.ts), read when a page renders.
  app.use(
    pageContext((req, res) => ({
      async layout() {
        const settings = await req.ctx.acting.settings();
        const actor = req.ctx.actor;
        return {
          csrfToken: actor?.csrfToken ?? preSessionCsrf(deps, req, res),
          flash: actor ? await takeFlash(deps, req) : null,
          timeZone: settings.timeZone,
          orgName: settings.name,
        };
      },
      flash: (type, message) => flash(deps, req, type, message),
    })),
  );

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      strictTransportSecurity: deps.config.publicUrl.startsWith('https:'),
    }),
  );

  app.use('/assets', express.static(path.join(PROJECT_ROOT, 'assets'), { maxAge: '1h', index: false }));
  app.use(
    '/api/docs/ui',
    express.static(path.dirname(require.resolve('swagger-ui-dist/package.json')), { index: false }),
  );

  app.use(cookieParser());
  app.use('/api', express.json({ limit: '1mb', strict: true }));
  app.use(express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 500 }));
  app.use(resolveActor(deps));
  app.use(csrfProtection());

  const router = express.Router();
  const routes = allRoutes(deps);
  const docs = openApiRoutes(() => buildOpenApi([...routes, ...docs]));
  mountRoutes(router, [...routes, ...docs], deps, {
    settings: loadSettings,
    guards: [archiveDoor(deps, { canReadArchived, archivedRestricted })],
  });
  app.use(router);

  app.use(notFoundHandler());
  app.use(errorHandler(deps, renderErrorPage));
  return app;
}
