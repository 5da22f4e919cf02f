import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Every comment resolves inside the repository (issue 15, point 5): the words and the rules the
// code cites are headings of docs/domain.md, cited as `docs/domain.md#<heading>`; the design
// document kept outside the repository is not cited. This file names the old citation forms
// only through the patterns below, so it leaves itself out of the first check.

const HERE = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(HERE), '../..');
const SELF = path.relative(ROOT, HERE).split(path.sep).join('/');
/** Where a citation of the outside design document is refused. */
const NO_OUTSIDE_CITATIONS = ['server', 'test', 'scripts', 'db', 'docs', 'README.md'];
/** Where a cited heading of a document in docs/ must exist. */
const CITING = [...NO_OUTSIDE_CITATIONS, 'templates', 'assets', '.ci'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git']);
/** `DESIGN`, `DESIGN.md`, `shared/DESIGN.md`, and a section sign as in "§6". */
const OUTSIDE_CITATION = new RegExp(String.raw`\bDESIGN\b|\u00a7`);
/** `docs/domain.md#<heading>`, or `domain.md#<heading>` in a link between documents of docs/. */
const DOC_ANCHOR = /(?<![\w.-])(?:docs\/)?([\w-]+)\.md#([\p{L}\p{N}_-]+)/gu;

interface TextFile {
  file: string;
  lines: string[];
}

function textFiles(entries: readonly string[]): TextFile[] {
  const out: TextFile[] = [];
  const visit = (rel: string) => {
    const abs = path.join(ROOT, rel);
    if (!fs.existsSync(abs)) return;
    const stat = fs.statSync(abs);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(abs).sort()) if (!SKIPPED_DIRS.has(name)) visit(path.join(rel, name));
      return;
    }
    if (stat.size > 2_000_000) return;
    const bytes = fs.readFileSync(abs);
    if (bytes.includes(0)) return; // binary (PDF, images, fonts)
    out.push({ file: rel.split(path.sep).join('/'), lines: bytes.toString('utf8').split('\n') });
  };
  for (const entry of entries) visit(entry);
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, each space a hyphen. */
function headingSlug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a Markdown document's headings (duplicates numbered as GitHub does), outside code blocks. */
function headingAnchors(markdown: string): string[] {
  const seen = new Map<string, number>();
  const anchors: string[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = headingSlug(heading[1]);
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.push(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

describe('citations resolve inside the repository', () => {
  it('when a heading is turned into an anchor, then it is the one GitHub gives', () => {
    expect(headingSlug('Messages and their legal basis')).to.equal('messages-and-their-legal-basis');
    expect(headingSlug('Lifecycle: active → archived → anonymised')).to.equal('lifecycle-active--archived--anonymised');
    expect(headingSlug('`Cents` and [money](domain.md#money), half up')).to.equal('cents-and-money-half-up');
    expect(headingAnchors('# A\n## B\n```\n## B\n```\n## B\n')).to.deep.equal(['a', 'b', 'b-1']);
  });

  it('when a file of server/, test/, scripts/, db/ or docs/ cites a rule, then it cites docs/domain.md, not the design document outside the repository', () => {
    const found = textFiles(NO_OUTSIDE_CITATIONS)
      .filter(({ file }) => file !== SELF)
      .flatMap(({ file, lines }) =>
        lines.flatMap((line, i) => (OUTSIDE_CITATION.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
      );
    expect(found, 'cite a heading of docs/domain.md (docs/domain.md#<heading>) instead').to.deep.equal([]);
  });

  it('when a file cites a heading of docs/domain.md (or of another document in docs/), then that heading exists', () => {
    const anchorsOf = new Map<string, Set<string>>();
    for (const name of fs.readdirSync(path.join(ROOT, 'docs')).filter((n) => n.endsWith('.md'))) {
      anchorsOf.set(
        name.slice(0, -'.md'.length),
        new Set(headingAnchors(fs.readFileSync(path.join(ROOT, 'docs', name), 'utf8'))),
      );
    }
    expect(anchorsOf.get('domain')?.size ?? 0, 'docs/domain.md and its headings').to.be.greaterThan(10);
    const cited: string[] = [];
    const missing: string[] = [];
    for (const { file, lines } of textFiles(CITING)) {
      lines.forEach((line, i) => {
        for (const [, doc, anchor] of line.matchAll(DOC_ANCHOR)) {
          const anchors = anchorsOf.get(doc);
          if (!anchors) continue; // a document outside docs/ (README.md…): not checked here
          cited.push(`${doc}#${anchor}`);
          if (!anchors.has(anchor)) missing.push(`${file}:${i + 1}: docs/${doc}.md#${anchor}`);
        }
      });
    }
    expect(
      cited.filter((c) => c.startsWith('domain#')),
      'citations of docs/domain.md',
    ).to.not.be.empty;
    expect(missing, 'cited headings that docs/ does not have').to.deep.equal([]);
  });
});
