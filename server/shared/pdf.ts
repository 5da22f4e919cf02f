import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Color, PDFDocument, PDFFont, PDFPage } from 'pdf-lib';

/**
 * French documents (letters, forms, reports) readable when printed in black and white.
 * DejaVu Sans is embedded (subset) so that any name prints: Nguyễn, Łukasz, Ağaoğlu.
 */
const require = createRequire(import.meta.url);
const fontDir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
let fontBytes: { regular: Buffer; bold: Buffer } | null = null;
function fonts() {
  fontBytes ??= {
    regular: fs.readFileSync(path.join(fontDir, 'DejaVuSans.ttf')),
    bold: fs.readFileSync(path.join(fontDir, 'DejaVuSans-Bold.ttf')),
  };
  return fontBytes;
}

const A4: [number, number] = [595.28, 841.89];

// Measuring text through fontkit shapes it each time, which made long tables several times
// slower than drawing them: widths are summed from each character's advance, cached per font
// (kerning is ignored when wrapping; it moves a line by a fraction of a point).
const advances = new WeakMap<PDFFont, Map<string, number>>();
function textWidth(font: PDFFont, text: string, size: number): number {
  let cache = advances.get(font);
  if (!cache) advances.set(font, (cache = new Map()));
  let width = 0;
  for (const ch of text) {
    let w = cache.get(ch);
    if (w === undefined) cache.set(ch, (w = font.widthOfTextAtSize(ch, 1000)));
    width += w;
  }
  return (width * size) / 1000;
}
const MARGIN = 50;

// pdf-lib and fontkit take about half a second and 50 MB to load: they are loaded with the
// first document, not with the service (cold start).
let INK: Color;
let GREY: Color;
let SHADE: Color;
let ops: typeof import('pdf-lib');
let pdfLib: Promise<{ PDFDocument: typeof PDFDocument; fontkit: unknown }> | null = null;
function loadPdfLib() {
  pdfLib ??= Promise.all([import('pdf-lib'), import('@pdf-lib/fontkit')]).then(([lib, fk]) => {
    ops = lib;
    INK = lib.rgb(0, 0, 0);
    GREY = lib.rgb(0.35, 0.35, 0.35);
    SHADE = lib.rgb(0.9, 0.9, 0.9);
    return { PDFDocument: lib.PDFDocument, fontkit: fk.default };
  });
  return pdfLib;
}

export interface Column {
  header: string;
  /** Share of the usable width (they are normalised). */
  width: number;
  align?: 'left' | 'right';
}

export class PdfDocument {
  private page!: PDFPage;
  private y = 0;
  private constructor(
    private readonly doc: PDFDocument,
    private readonly regular: PDFFont,
    private readonly bold: PDFFont,
    private readonly header: string,
  ) {}

  /** A new A4 document; `header` is printed small at the top of every page (organisation, title). */
  static async create(title: string, header: string): Promise<PdfDocument> {
    const lib = await loadPdfLib();
    const doc = await lib.PDFDocument.create();
    doc.registerFontkit(lib.fontkit as Parameters<PDFDocument['registerFontkit']>[0]);
    doc.setTitle(title);
    doc.setLanguage('fr-FR');
    doc.setCreator('Participation back-office');
    const f = fonts();
    const pdf = new PdfDocument(
      doc,
      await doc.embedFont(f.regular, { subset: true }),
      await doc.embedFont(f.bold, { subset: true }),
      header,
    );
    pdf.newPage();
    return pdf;
  }

  private get width() {
    return A4[0] - 2 * MARGIN;
  }

  // The rules under table rows of the current page, stroked as one path when the page is
  // done: a long table draws one graphics state per page instead of one per row.
  private rules: { x1: number; x2: number; y: number }[] = [];
  private flushRules() {
    if (!this.rules.length) return;
    const path = this.rules.flatMap(({ x1, x2, y }) => [ops.moveTo(x1, y), ops.lineTo(x2, y)]);
    this.page.pushOperators(
      ops.pushGraphicsState(),
      ops.setStrokingColor(GREY),
      ops.setLineWidth(0.4),
      ...path,
      ops.stroke(),
      ops.popGraphicsState(),
    );
    this.rules = [];
  }

  private newPage() {
    if (this.page) this.flushRules();
    this.page = this.doc.addPage(A4);
    this.y = A4[1] - MARGIN;
    if (this.header) {
      this.page.drawText(this.header, { x: MARGIN, y: this.y, size: 8, font: this.regular, color: GREY });
      this.y -= 20;
    }
  }

  private ensure(height: number) {
    if (this.y - height < MARGIN + 20) this.newPage();
  }

  /** Splits text into lines that fit `width` at `size` (words longer than a line are cut). */
  wrap(text: string, size: number, width = this.width, font = this.regular): string[] {
    const lines: string[] = [];
    for (const paragraph of text.split('\n')) {
      let line = '';
      for (const word of paragraph.split(/\s+/).filter(Boolean)) {
        const candidate = line ? `${line} ${word}` : word;
        if (textWidth(font, candidate, size) <= width) {
          line = candidate;
          continue;
        }
        if (line) lines.push(line);
        let rest = word;
        while (textWidth(font, rest, size) > width) {
          let cut = rest.length - 1;
          while (cut > 1 && textWidth(font, rest.slice(0, cut), size) > width) cut--;
          lines.push(rest.slice(0, cut));
          rest = rest.slice(cut);
        }
        line = rest;
      }
      lines.push(line);
    }
    return lines;
  }

  heading(text: string, level: 1 | 2 = 1): this {
    const size = level === 1 ? 16 : 12.5;
    const lines = this.wrap(text, size, this.width, this.bold);
    this.ensure(lines.length * size * 1.3 + 10);
    this.y -= level === 1 ? 4 : 8;
    for (const l of lines) {
      this.page.drawText(l, { x: MARGIN, y: this.y - size, size, font: this.bold, color: INK });
      this.y -= size * 1.3;
    }
    this.y -= 6;
    return this;
  }

  paragraph(text: string, options: { size?: number; bold?: boolean; indent?: number } = {}): this {
    const size = options.size ?? 10.5;
    const font = options.bold ? this.bold : this.regular;
    const indent = options.indent ?? 0;
    for (const l of this.wrap(text, size, this.width - indent, font)) {
      this.ensure(size * 1.4);
      this.page.drawText(l, { x: MARGIN + indent, y: this.y - size, size, font, color: INK });
      this.y -= size * 1.4;
    }
    this.y -= 4;
    return this;
  }

  /** Label / value pairs, labels in bold. */
  facts(rows: [string, string][], size = 10.5): this {
    const labelWidth = Math.min(170, Math.max(...rows.map(([l]) => this.bold.widthOfTextAtSize(l, size))) + 12);
    for (const [label, value] of rows) {
      const lines = this.wrap(value || '—', size, this.width - labelWidth);
      this.ensure(lines.length * size * 1.4);
      this.page.drawText(label, { x: MARGIN, y: this.y - size, size, font: this.bold, color: INK });
      for (const l of lines) {
        this.page.drawText(l, { x: MARGIN + labelWidth, y: this.y - size, size, font: this.regular, color: INK });
        this.y -= size * 1.4;
      }
    }
    this.y -= 4;
    return this;
  }

  /** A box to tick by hand, with its label. */
  checkbox(label: string, checked = false, size = 10.5): this {
    const lines = this.wrap(label, size, this.width - 22);
    this.ensure(lines.length * size * 1.4 + 4);
    this.page.drawRectangle({
      x: MARGIN,
      y: this.y - size - 1,
      width: 11,
      height: 11,
      borderColor: INK,
      borderWidth: 1,
    });
    if (checked) this.page.drawText('X', { x: MARGIN + 2, y: this.y - size, size: 10, font: this.bold, color: INK });
    for (const l of lines) {
      this.page.drawText(l, { x: MARGIN + 20, y: this.y - size, size, font: this.regular, color: INK });
      this.y -= size * 1.4;
    }
    this.y -= 4;
    return this;
  }

  /** A line to sign on, with its caption. */
  signature(caption: string): this {
    this.ensure(60);
    this.y -= 36;
    this.page.drawLine({
      start: { x: MARGIN, y: this.y },
      end: { x: MARGIN + 220, y: this.y },
      thickness: 0.8,
      color: INK,
    });
    this.page.drawText(caption, { x: MARGIN, y: this.y - 12, size: 9, font: this.regular, color: GREY });
    this.y -= 22;
    return this;
  }

  /** A table with a header row repeated on each page; cells wrap. */
  table(columns: Column[], rows: string[][], size = 9): this {
    const total = columns.reduce((s, c) => s + c.width, 0);
    const widths = columns.map((c) => (c.width / total) * this.width);
    const drawRow = (cells: string[], font: PDFFont, shade: boolean) => {
      const wrapped = cells.map((c, i) => this.wrap(c ?? '', size, widths[i] - 6, font));
      const height = Math.max(...wrapped.map((w) => w.length)) * size * 1.3 + 6;
      if (this.y - height < MARGIN + 20) return false;
      if (shade) this.page.drawRectangle({ x: MARGIN, y: this.y - height, width: this.width, height, color: SHADE });
      let x = MARGIN;
      wrapped.forEach((lines, i) => {
        lines.forEach((l, j) => {
          const w = textWidth(font, l, size);
          const tx = columns[i].align === 'right' ? x + widths[i] - 3 - w : x + 3;
          this.page.drawText(l, { x: tx, y: this.y - 3 - size - j * size * 1.3, size, font, color: INK });
        });
        x += widths[i];
      });
      this.y -= height;
      this.rules.push({ x1: MARGIN, x2: MARGIN + this.width, y: this.y });
      return true;
    };
    const headers = columns.map((c) => c.header);
    this.ensure(size * 4);
    drawRow(headers, this.bold, true);
    for (const row of rows) {
      if (!drawRow(row, this.regular, false)) {
        this.newPage();
        drawRow(headers, this.bold, true);
        drawRow(row, this.regular, false);
      }
    }
    this.y -= 8;
    return this;
  }

  /** Starts a new page (one letter per page in a bundle). */
  pageBreak(): this {
    this.newPage();
    return this;
  }

  space(height = 10): this {
    this.y -= height;
    return this;
  }

  /** Adds "Page n / N" to every page and returns the bytes. */
  async save(): Promise<Uint8Array> {
    this.flushRules();
    const pages = this.doc.getPages();
    pages.forEach((p, i) => {
      const text = `Page ${i + 1} / ${pages.length}`;
      p.drawText(text, {
        x: A4[0] - MARGIN - this.regular.widthOfTextAtSize(text, 8),
        y: MARGIN - 20,
        size: 8,
        font: this.regular,
        color: GREY,
      });
    });
    return this.doc.save();
  }
}
