/**
 * The vocabulary of the personal-data registry (GDPR art. 30): who the data is about, what
 * kind of data it is, why it is held, on which legal basis, how long, and what erasing it means.
 */

/** Whose data a column holds (the "categories of people" of the processing register). */
export const DATA_SUBJECTS = ['participant', 'guardian', 'payee', 'staff', 'partner_contact'] as const;
export type DataSubject = (typeof DATA_SUBJECTS)[number];

export const CATEGORIES = [
  'identity',
  'contact',
  'relationship',
  'bank',
  'special_category_health',
  'profile',
  'consent_record',
  'evidence',
  'free_text',
  'request_record',
  'lifecycle',
  'pseudonymous_id',
  'staff_identity',
  'authentication',
  'technical',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const LEGAL_BASES = [
  'consent',
  'explicit_consent',
  'public_task',
  'legal_obligation',
  'legitimate_interest',
] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

export const PURPOSES = [
  'participation',
  'reimbursement',
  'needs',
  'representativeness',
  'accountability',
  'rights',
  'partners',
  'imports',
  'staff_access',
  'security',
  'organisation',
] as const;
export type Purpose = (typeof PURPOSES)[number];

/**
 * How long a value is kept.
 * - `active`: erased when the person is archived (2 years after the last contact by default);
 * - `accounting`: kept in the restricted archive while accounting retention runs (only for
 *   people with accounting records), erased at anonymisation;
 * - `kept`: never erased by the lifecycle; it no longer identifies anyone once the person is
 *   anonymised (reference, dates of consents and requests);
 * - the other rules concern data outside the participant lifecycle (staff, partners, sessions…).
 */
export const RETENTION_RULES = [
  'active',
  'accounting',
  'kept',
  'staff_account',
  'session',
  'security_window',
  'audit',
  'partner_relationship',
  'import_preview',
  'organisation',
] as const;
export type RetentionRule = (typeof RETENTION_RULES)[number];

/** Retention rules the participant lifecycle (archiving, anonymisation, erasure) acts on. */
export const LIFECYCLE_RULES: readonly RetentionRule[] = ['active', 'accounting'];

/** What erasing a value means: nothing (`keep`), NULL, or a constant SQL literal (`'{}'` for arrays, a default). */
export type Erasure = 'keep' | 'set_null' | { constant: string };

export interface PersonalColumn {
  personal: true;
  subject: DataSubject;
  category: Category;
  purpose: Purpose;
  legalBasis: LegalBasis;
  /** GDPR art. 9 (health: needs). */
  specialCategory: boolean;
  retention: RetentionRule;
  /** Needed by accounting (kept in the archive while accounting retention runs). */
  accounting: boolean;
  erasure: Erasure;
  /** A user types what they like here (a note, a reason, a name): anything personal may end up in it. */
  freeText?: boolean;
}

export interface PlainColumn {
  personal: false;
  /** Why it is not personal data, when that is not obvious. */
  note?: string;
  /** Declared by each kind of row of the table instead (`byKind()`). */
  byKind?: true;
  /**
   * Whether a user types what they like here. Every text, JSON or array column that no CHECK
   * constraint binds to a list or a pattern says so (a test reads the schema): free text is
   * never plain data in rows linked to a participant, since anyone may type a name in it.
   */
  freeText?: boolean;
}

export type ColumnDecl = PersonalColumn | PlainColumn;

/**
 * What the access export (GDPR art. 15) gives the person of one set of rows: the columns that
 * are theirs, each with a plain French label, or a projection (SQL on the row, for a value
 * read from a linked table or shown only when it is theirs). `rows` narrows the rows further.
 * `attach`: each row is a document whose content goes into the ZIP. `source`: where the data
 * comes from, in French (art. 15(1)(g)).
 */
export interface ExportProjection {
  columns: Record<string, ExportColumn>;
  source: string;
  rows?: string;
  attach?: true;
}
/** A column of the row (its French label) or a projection `{ label, sql }`. */
export type ExportColumn = string | { label: string; sql: string };
/** Rows linked to the person that the export leaves out, and why (French, shown in the export). */
export interface ExportExcluded {
  excluded: string;
}
export type ExportDecl = ExportProjection | ExportExcluded;

export const isExcluded = (e: ExportDecl): e is ExportExcluded => 'excluded' in e;

/**
 * The capabilities of `server/` (one folder each). `shared` owns the platform's tables (files,
 * idempotency keys, import previews, reference counters).
 */
export const CAPABILITIES = [
  'audit',
  'auth',
  'claims',
  'consents',
  'grant-reports',
  'grants',
  'jobs',
  'notifications',
  'participants',
  'partners',
  'payees',
  'payments',
  'privacy',
  'projects',
  'reimbursement',
  'sessions',
  'settings',
  'shared',
  'users',
  'venues',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

export interface TableDecl {
  /**
   * The one capability that inserts, updates and deletes the table's rows; every other one
   * asks it through its `index.ts` (test/architecture/ownership.test.ts). The erasure machinery
   * (privacy) is the one exception: it blanks the personal columns this registry declares.
   */
  owner: Capability;
  /** What the table holds, in French (shown in the processing register). */
  label: string;
  /**
   * How rows belong to one participant, as a SQL condition with one `?` bound to an array of
   * participant ids. Tables without it are outside the participant lifecycle.
   */
  participantLink?: string;
  /** A timestamp column set when the lifecycle erases something in a row (files.erased_at). */
  erasedMarker?: string;
  columns: Record<string, ColumnDecl>;
  /** What the access export gives of the rows linked to a participant (required with `participantLink`). */
  export?: ExportDecl;
  /**
   * Kinds of rows governed by different rules (files: consent evidence, receipts, invoices).
   * Each kind selects its rows, says how they belong to participants (or that they are outside
   * the lifecycle) and declares the columns the table declares `byKind()`. A table with kinds
   * has no `participantLink` of its own.
   */
  kinds?: Record<string, RowKind>;
}

export interface RowKind {
  /** What these rows are, in French (shown in the processing register). */
  label: string;
  /** SQL condition on the table's own columns selecting the rows of this kind (`purpose = 'invoice'`). */
  rows: string;
  /** Like `TableDecl.participantLink`, for the rows of this kind; absent: outside the participant lifecycle. */
  participantLink?: string;
  /** Why the rows are outside the participant lifecycle, in French (shown in the register). */
  note?: string;
  /** The declarations of the columns the table declares `byKind()`. */
  columns: Record<string, ColumnDecl>;
  /** Like `TableDecl.export`, for the rows of this kind. */
  export?: ExportDecl;
}

export const plain = (note?: string): PlainColumn => ({ personal: false, ...(note ? { note } : {}) });

/** A text column no user types into: a code, a reference, a hash, generated text (say which when not obvious). */
export const code = (note?: string): PlainColumn => ({ ...plain(note), freeText: false });

/** A text column staff type freely, about something else than a person (a project, a venue, a grant), outside the participant lifecycle. */
export const typedText = (note: string): PlainColumn => ({ ...plain(note), freeText: true });

/** Marks a personal column as free text: whatever a user types there is erased by its rule. */
export const freeText = (column: PersonalColumn): PersonalColumn => ({ ...column, freeText: true });

/** A column whose declaration depends on the kind of row (see `TableDecl.kinds`). */
export const byKind = (): PlainColumn => ({ personal: false, note: 'declared per kind of row', byKind: true });

/**
 * One set of rows governed by one set of rules: a whole table, or one kind of rows of a table.
 * The lifecycle, the register and the tests read the registry through these scopes.
 */
export interface RowScope {
  table: string;
  /** The kind's key, or null for a whole table. */
  kind: string | null;
  label: string;
  /** SQL condition with one `?` bound to an array of participant ids; absent: outside the lifecycle. */
  participantLink?: string;
  erasedMarker?: string;
  note?: string;
  /** Every column of the table, with the kind's declarations in place of `byKind()`. */
  columns: Record<string, ColumnDecl>;
  export?: ExportDecl;
}

export function rowScopes(registry: Record<string, TableDecl>): RowScope[] {
  return Object.entries(registry).flatMap(([table, decl]): RowScope[] => {
    const { label, participantLink, erasedMarker, columns } = decl;
    if (!decl.kinds) return [{ table, kind: null, label, participantLink, erasedMarker, columns, export: decl.export }];
    return Object.entries(decl.kinds).map(([kind, k]) => ({
      table,
      kind,
      label: k.label,
      participantLink: k.participantLink ? `(${k.rows}) AND (${k.participantLink})` : undefined,
      erasedMarker,
      note: k.note,
      columns: { ...columns, ...k.columns },
      export: k.export,
    }));
  });
}

/** A personal column; lifecycle rules are erased to NULL unless another erasure is given, others are kept. */
export function personal(
  subject: DataSubject,
  category: Category,
  purpose: Purpose,
  legalBasis: LegalBasis,
  retention: RetentionRule,
  options: { erasure?: Erasure; specialCategory?: boolean } = {},
): PersonalColumn {
  return {
    personal: true,
    subject,
    category,
    purpose,
    legalBasis,
    specialCategory: options.specialCategory ?? false,
    retention,
    accounting: retention === 'accounting',
    erasure: options.erasure ?? (LIFECYCLE_RULES.includes(retention) ? 'set_null' : 'keep'),
  };
}

/** A reference to a staff account (who created, recorded, witnessed): staff data, kept with the account. */
export const staffRef = (retention: RetentionRule = 'staff_account'): PersonalColumn =>
  personal('staff', 'staff_identity', 'staff_access', 'public_task', retention);
