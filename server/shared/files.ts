import { createHash } from 'node:crypto';
import multer from 'multer';
import type { RequestHandler, Response } from 'express';
import type { Db } from './db.js';
import { AppError, sharedError } from './errors.js';

export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

export type DocumentType = 'application/pdf' | 'image/jpeg' | 'image/png';

/** The real type of a document from its first bytes (the name and the declared type are not trusted). */
export function sniffDocumentType(bytes: Buffer): DocumentType | null {
  if (bytes.length >= 5 && bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  return null;
}

/** `xlsx` (a ZIP container) or `csv` (text without NUL bytes, valid UTF-8), else null. */
export function sniffSpreadsheet(bytes: Buffer): 'xlsx' | 'csv' | null {
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x504b0304) return 'xlsx';
  if (bytes.includes(0)) return null;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return 'csv';
  } catch {
    return null;
  }
}

/** Keeps a file name displayable and harmless: no path, no control characters, at most 120 characters. */
export function safeFileName(name: string | undefined): string | null {
  if (!name) return null;
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/^\.+/, '')
    .trim()
    .slice(0, 120);
  return clean || null;
}

/**
 * Multipart parsing for one file field, in memory, with a size limit. A file over the limit
 * is a 413 naming the field; any other multipart oddity is a 400.
 */
export function singleUpload(field: string, maxBytes = MAX_DOCUMENT_BYTES): RequestHandler {
  // Browsers send file names in UTF-8 without saying so; multer's default (latin1) would garble `reçu.pdf`.
  const parse = multer({
    storage: multer.memoryStorage(),
    defParamCharset: 'utf8',
    limits: { fileSize: maxBytes, files: 1, fields: 50, fieldSize: 100_000, parts: 60 },
  }).single(field);
  return (req, res, next) => {
    parse(req, res, (err: unknown) => {
      if (!err) return next();
      const e = err as { code?: string; field?: string };
      if (e.code === 'LIMIT_FILE_SIZE') {
        return next(
          sharedError('file_too_large', { mb: Math.round(maxBytes / 1024 / 1024) }, [
            { field, message: `fichier trop volumineux (${Math.round(maxBytes / 1024 / 1024)} Mo au plus)` },
          ]),
        );
      }
      if (e.code === 'LIMIT_UNEXPECTED_FILE')
        return next(
          new AppError('validation_failed', undefined, [
            { field: e.field ?? field, message: 'fichier inattendu dans ce champ' },
          ]),
        );
      return next(new AppError('malformed_form', undefined, [{ field, message: 'envoi de fichier mal formé' }]));
    });
  };
}

export interface StoredFile {
  id: string;
  sha256: string;
  mediaType: DocumentType;
  sizeBytes: number;
}

/** Checks a document by its content and stores it; the caller passes its transaction. */
export async function storeDocument(
  trx: Db,
  file: { buffer: Buffer; originalname?: string } | undefined,
  options: {
    field: string;
    purpose: 'consent_evidence' | 'receipt' | 'invoice';
    createdBy: string | null;
    required?: boolean;
  },
): Promise<StoredFile | null> {
  // A browser form with no file chosen sends an empty part without a name: that is "no file".
  if (!file || (file.buffer.length === 0 && !file.originalname)) {
    if (options.required)
      throw new AppError('validation_failed', undefined, [{ field: options.field, message: 'fichier obligatoire' }]);
    return null;
  }
  if (file.buffer.length === 0)
    throw new AppError('validation_failed', undefined, [
      { field: options.field, message: 'le fichier envoyé est vide' },
    ]);
  const mediaType = sniffDocumentType(file.buffer);
  if (!mediaType)
    throw new AppError('validation_failed', undefined, [
      {
        field: options.field,
        message: 'doit être un PDF, un JPEG ou un PNG (le contenu du fichier ne correspond pas)',
      },
    ]);
  if (file.buffer.length > MAX_DOCUMENT_BYTES)
    throw new AppError('payload_too_large', undefined, [{ field: options.field, message: 'fichier trop volumineux' }]);
  const sha256 = createHash('sha256').update(file.buffer).digest('hex');
  const [row] = await trx('files')
    .insert({
      sha256,
      media_type: mediaType,
      size_bytes: file.buffer.length,
      content: file.buffer,
      original_name: safeFileName(file.originalname),
      purpose: options.purpose,
      created_by: options.createdBy,
    })
    .returning(['id']);
  return { id: row.id, sha256, mediaType, sizeBytes: file.buffer.length };
}

/**
 * Stores a file the service produced, encrypted (a frozen bank file): its hash and size are of
 * the clear bytes; the content is the ciphertext under `keyId`. The caller passes its transaction.
 */
export async function storeSealedFile(
  trx: Db,
  file: {
    sha256: string;
    mediaType: string;
    sizeBytes: number;
    ciphertext: Buffer;
    keyId: string;
    name: string;
    purpose: string;
    createdBy: string | null;
  },
): Promise<{ id: string }> {
  const [row] = await trx('files')
    .insert({
      sha256: file.sha256,
      media_type: file.mediaType,
      size_bytes: file.sizeBytes,
      content: file.ciphertext,
      key_id: file.keyId,
      original_name: file.name,
      purpose: file.purpose,
      created_by: file.createdBy,
    })
    .returning(['id']);
  return { id: row.id };
}

export async function readFileContent(
  db: Db,
  id: string,
): Promise<{ mediaType: string; content: Buffer; name: string | null } | null> {
  const row = await db('files').where({ id }).whereNotNull('content').first('media_type', 'content', 'original_name');
  return row ? { mediaType: row.media_type, content: row.content, name: row.original_name } : null;
}

/** Stored files a browser may show inline: images (an <img> runs no script). */
const INLINE_TYPES = new Set(['image/jpeg', 'image/png']);

/**
 * Serves a stored file (receipt, invoice, consent evidence) — every route that sends one goes
 * through here (test/shared/stored-files.test.ts): a file someone uploaded must not act as a
 * page of our origin. `Content-Security-Policy: sandbox` (no script, no same-origin, no form)
 * and `nosniff` on every one; a PDF (it may carry JavaScript: an OpenAction) or any type that
 * is not a plain image goes as an attachment, never rendered in the service's origin.
 * `download` makes an image an attachment too (a "download" link).
 */
export function sendStoredFile(
  res: Response,
  file: { content: Buffer; mediaType: string; filename?: string | null },
  options: { download?: boolean } = {},
): void {
  const inline = !options.download && INLINE_TYPES.has(file.mediaType);
  const name = file.filename ? safeFileName(file.filename) : null;
  const ascii = name ? name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_') : null;
  res.setHeader(
    'Content-Type',
    inline || file.mediaType === 'application/pdf' ? file.mediaType : 'application/octet-stream',
  );
  res.setHeader('Content-Security-Policy', 'sandbox');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader(
    'Content-Disposition',
    `${inline ? 'inline' : 'attachment'}${name ? `; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}` : ''}`,
  );
  res.send(file.content);
}
