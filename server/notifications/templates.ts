import nunjucks from 'nunjucks';
import { TEMPLATES_DIR, templates as htmlTemplates } from '../shared/render.js';
import { formatCents } from '../shared/money.js';
import { formatDate, formatDateTime } from '../shared/format.js';

// Text parts are not HTML: a second environment without autoescaping renders them.
const textTemplates = new nunjucks.Environment(new nunjucks.FileSystemLoader(TEMPLATES_DIR), { autoescape: false });
textTemplates.addFilter('cents', (v: number) => formatCents(v));
textTemplates.addFilter('datetime', (v: Date | string, tz?: string) => formatDateTime(v, tz));
textTemplates.addFilter('date', (v: Date | string, tz?: string) => formatDate(v, tz));

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/**
 * Renders `templates/emails/<name>.subject.njk`, `.txt.njk` and `.html.njk` with the same
 * variables (plain French, written for people who may read little).
 */
export function renderEmail(name: string, vars: Record<string, unknown>): RenderedEmail {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error('invalid template name');
  return {
    subject: textTemplates.render(`emails/${name}.subject.njk`, vars).trim().replace(/\s+/g, ' '),
    text: textTemplates.render(`emails/${name}.txt.njk`, vars),
    html: htmlTemplates.render(`emails/${name}.html.njk`, vars),
  };
}
