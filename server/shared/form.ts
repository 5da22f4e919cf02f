import { AppError } from './errors.js';

/** Reading HTML form values (strings, checkboxes, optional numbers) into API-shaped input. */
export const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
export const optionalText = (v: unknown): string | undefined => text(v) || undefined;
export const nullableText = (v: unknown): string | null => text(v) || null;
export const checked = (v: unknown): boolean => v === 'on' || v === 'true' || v === '1';
export const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** `"12"` → 12; empty → undefined; anything else is kept as is so that validation names the field. */
export function integer(v: unknown): number | string | undefined {
  const s = text(v);
  if (!s) return undefined;
  return /^-?\d+$/.test(s) ? Number(s) : s;
}

/**
 * A form-level failure: field errors (400 with details) to show next to the fields, or a
 * conflict message (409) to show above the form; anything else is rethrown.
 */
export function formFailure(
  e: unknown,
  rename: Record<string, string> | ((field: string) => string) = {},
): { errors: Record<string, string>; message: string | null; error: AppError } {
  if (!(e instanceof AppError) || (e.status !== 400 && e.status !== 409)) throw e;
  const errors: Record<string, string> = {};
  for (const d of e.details) {
    const field = typeof rename === 'function' ? rename(d.field) : (rename[d.field] ?? d.field);
    errors[field] ??= d.message;
  }
  return { errors: e.status === 400 ? errors : {}, message: e.status === 409 ? e.message : null, error: e };
}
