import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import express, { type NextFunction, type Request, type Response } from 'express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import type { Deps } from './shared/deps.js';
import { mountRoutes, type RouteSpec } from './shared/http.js';
import { archiveDoor } from './privacy/index.js';
import { pathOnly } from './shared/logger.js';
import { errorHandler, notFoundHandler } from './shared/error-handler.js';
import { resolveActor } from './auth/sessions.js';
import { csrfProtection } from './auth/csrf.js';
import { authRoutes, authPages } from './auth/index.js';
import { userRoutes, userPages } from './users/index.js';
import { settingsRoutes, settingsPages } from './settings/index.js';
import { auditRoutes, auditPages } from './audit/index.js';
import { partnerRoutes, partnerPages } from './partners/index.js';
import { participantRoutes, participantPages } from './participants/index.js';
import { payeeRoutes, payeePages } from './payees/index.js';
import { consentRoutes, consentPages, purposePages } from './consents/index.js';
import { privacyRoutes, privacyPages, participantPrivacyPages } from './privacy/index.js';
import { homePages } from './home/pages.js';
import { healthRoutes } from './health/routes.js';
import { jobRoutes } from './jobs/routes.js';
import { outboxRoutes, outboxPages } from './notifications/index.js';
import { projectRoutes, projectPages } from './projects/index.js';
import { venueRoutes, venuePages } from './venues/index.js';
import { sessionRoutes, sessionPages } from './sessions/index.js';
import { rateRoutes, ratePages } from './reimbursement/index.js';
import { claimRoutes, claimPages } from './claims/index.js';
import { paymentRoutes, paymentPages } from './payments/index.js';
import { grantRoutes, grantPages } from './grants/index.js';
import { grantReportRoutes, grantReportPages } from './grant-reports/index.js';
import { buildOpenApi, openApiRoutes } from './openapi/index.js';
import { renderErrorPage } from './web.js';
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
    ...participantPages(deps),
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
    ...claimPages(deps),
    ...paymentRoutes(deps),
    ...paymentPages(deps),
    ...grantRoutes(deps), ...grantPages(deps),
    ...grantReportRoutes(deps), ...grantReportPages(deps),
  ];
}

/** The Express application, without `listen` (tests start it on a free port). */
export function createApp(deps: Deps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy);

  app.use((req: Request, res: Response, next: NextFunction) => {
    const given = req.get('x-request-id');
    const requestId = given && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const log = deps.log.child({ reqId: requestId });
    req.ctx = { requestId, actor: null, log, ip: req.ip ?? 'unknown' };
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      log.info({
        method: req.method,
        path: pathOnly(req.originalUrl),
        status: res.statusCode,
        ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        userId: req.ctx.actor?.userId,
      }, 'request');
    });
    next();
  });

  app.use(helmet({
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
  }));

  app.use('/assets', express.static(path.join(PROJECT_ROOT, 'assets'), { maxAge: '1h', index: false }));
  app.use('/api/docs/ui', express.static(path.dirname(require.resolve('swagger-ui-dist/package.json')), { index: false }));

  app.use(cookieParser());
  app.use('/api', express.json({ limit: '1mb', strict: true }));
  app.use(express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 500 }));
  app.use(resolveActor(deps));
  app.use(csrfProtection());

  const router = express.Router();
  const routes = allRoutes(deps);
  const docs = openApiRoutes(() => buildOpenApi([...routes, ...docs]));
  mountRoutes(router, [...routes, ...docs], deps, [archiveDoor(deps)]);
  app.use(router);

  app.use(notFoundHandler());
  app.use(errorHandler(deps, renderErrorPage));
  return app;
}
