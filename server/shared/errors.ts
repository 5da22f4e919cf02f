/**
 * Error catalogues. Each capability declares its refusals in its own `errors.ts` (code → HTTP
 * status and the French message shown to people); this file holds the generic ones and the
 * machinery. A catalogue entry is `[status, message]` or `[status, message, wire code]`:
 *
 * - the message is a string, or a function of named arguments when the text is built from data
 *   (`({ references }) => \`… ${references}.\``); its caller passes the arguments;
 * - the wire code is the `code` the client sees when it is not the entry's own key: a generic
 *   code (`forbidden`, `validation_failed`…) with a message of this situation, or the code of
 *   another entry when one code covers several situations with different texts
 *   (`batch_not_exported` while paying or while downloading). Keys are unique across catalogues.
 *
 * Throw with the capability's maker (`throw paymentsError('batch_not_open')`), generic codes
 * with `new AppError(code)` / `validationError` / `notFound` / `forbidden`. Route specs declare
 * the keys they may answer (`errors: [...]`); the OpenAPI document lists them.
 */
export type ErrorText = string | ((args: never) => string);
export type ErrorEntry = readonly [status: number, message: ErrorText, code?: string];
export type Catalogue = Readonly<Record<string, ErrorEntry>>;

/** The generic codes every capability and the HTTP layer use. */
export const ERRORS = {
  validation_failed: [400, 'Certaines données sont invalides.'],
  malformed_json: [400, 'Le corps de la requête n’est pas un JSON valide.'],
  malformed_request: [400, 'La requête est mal formée.'],
  malformed_form: [400, 'Le formulaire envoyé est mal formé.', 'malformed_request'],
  unsupported_media_type: [415, 'Ce type de contenu n’est pas accepté.'],
  payload_too_large: [413, 'Les données envoyées sont trop volumineuses.'],
  file_too_large: [413, ({ mb }: { mb: number }) => `Le fichier dépasse ${mb} Mo.`, 'payload_too_large'],
  unauthenticated: [401, 'Vous devez vous connecter.'],
  invalid_credentials: [401, 'Adresse e-mail ou mot de passe incorrect.'],
  too_many_attempts: [429, 'Trop de tentatives. Réessayez dans quelques minutes.'],
  forbidden: [403, 'Vous n’avez pas les droits nécessaires pour cette action.'],
  auditor_out_of_scope: [
    403,
    'Votre accès d’auditeur est limité aux financements qui vous ont été ouverts.',
    'forbidden',
  ],
  password_change_required: [403, 'Vous devez d’abord changer votre mot de passe (page « Mon compte »).'],
  csrf_failed: [403, 'Le formulaire a expiré ou ne vient pas de cette application. Rechargez la page et recommencez.'],
  override_forbidden: [403, 'Vous n’avez pas le droit de passer outre cette règle.'],
  not_found: [404, 'Élément introuvable.'],
  route_not_found: [404, 'Cette adresse n’existe pas.'],
  conflict: [409, 'Cette action est en conflit avec l’état actuel des données.'],
  idempotency_key_reused: [422, 'Cette clé d’idempotence a déjà servi pour une autre requête.'],
  idempotent_answer_erased: [
    410,
    'Cette requête a déjà été faite ; sa première réponse a été effacée avec les données de la personne. Rien n’a été refait.',
  ],
  internal_error: [500, 'Une erreur inattendue est survenue. L’équipe technique a été prévenue.'],
  service_unavailable: [503, 'Le service est momentanément indisponible.'],
  overloaded: [503, 'Le service est très sollicité : réessayez dans quelques secondes.', 'service_unavailable'],
} as const satisfies Catalogue;

/** The generic codes `new AppError(code)` accepts (those whose message takes no argument). */
export type GenericCode = {
  [K in keyof typeof ERRORS]: (typeof ERRORS)[K][1] extends string ? K : never;
}[keyof typeof ERRORS];

/**
 * Every catalogue, by owner. A capability's `errors.ts` adds its own by declaration merging
 * (`declare module '../shared/errors.js' { interface Catalogues { payments: typeof PAYMENTS_ERRORS } }`),
 * so `ErrorCode` is the union of all catalogues while this file imports no capability.
 */
export interface Catalogues {
  shared: typeof ERRORS;
}

/** A key of any catalogue. */
export type ErrorCode = { [K in keyof Catalogues]: keyof Catalogues[K] & string }[keyof Catalogues];

export interface ErrorDetail {
  field: string;
  message: string;
}

/** An error a client can act on; rendered as `{"error":{"code","message","details"}}`. */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  /** The catalogue entry it was made from (its `code` unless the entry answers with another wire code). */
  readonly key: string;
  readonly details: ErrorDetail[];

  constructor(code: GenericCode, message?: string, details: ErrorDetail[] = []) {
    const [status, text, wire] = ERRORS[code] as ErrorEntry;
    super(message ?? (text as string));
    this.status = status;
    this.code = wire ?? code;
    this.key = code;
    this.details = details;
  }

  /** Used by `errorMaker`: an error from a registered catalogue entry. */
  static fromEntry(key: string, [status, , wire]: ErrorEntry, message: string, details: ErrorDetail[]): AppError {
    const e = new AppError('conflict', message, details);
    Object.assign(e, { status, code: wire ?? key, key });
    return e;
  }

  toJSON() {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

const REGISTRY = new Map<string, { owner: string; entry: ErrorEntry }>();

/**
 * Registers a capability's catalogue (its keys must be new: a key belongs to one catalogue) and
 * returns it unchanged.
 */
export function defineErrors<const C extends Catalogue>(owner: string, catalogue: C): C {
  for (const [key, entry] of Object.entries(catalogue)) {
    const known = REGISTRY.get(key);
    if (known && known.entry !== entry)
      throw new Error(`Error code ${key} of ${owner} is already in the catalogue of ${known.owner}`);
    REGISTRY.set(key, { owner, entry });
  }
  return catalogue;
}
defineErrors('shared', ERRORS);

type Rest<E extends ErrorEntry> = E[1] extends (args: infer A) => string
  ? [args: A, details?: ErrorDetail[]]
  : [details?: ErrorDetail[]];

/**
 * The function a capability throws its refusals with: `paymentsError('batch_not_open')`,
 * `paymentsError('claim_not_payable', { references }, details)` for a message built from data.
 */
export function errorMaker<C extends Catalogue>(catalogue: C) {
  return <K extends keyof C & string>(key: K, ...rest: Rest<C[K]>): AppError => {
    const entry = catalogue[key];
    const [, text] = entry;
    const message = typeof text === 'function' ? (text as (a: unknown) => string)(rest[0]) : text;
    const details = (typeof text === 'function' ? rest[1] : rest[0]) as ErrorDetail[] | undefined;
    return AppError.fromEntry(key, entry, message, details ?? []);
  };
}

/** The maker of the generic entries whose message takes arguments (`file_too_large`). */
export const sharedError = errorMaker(ERRORS);

/** What a catalogue entry answers, for the OpenAPI document and the checks: a data-built message shows `{argument}`. */
export interface ErrorDescription {
  key: string;
  owner: string;
  status: number;
  code: string;
  message: string;
}

const PLACEHOLDERS = new Proxy({}, { get: (_t, name) => (typeof name === 'string' ? `{${name}}` : undefined) });

export function describeEntry(key: string, owner: string, [status, text, wire]: ErrorEntry): ErrorDescription {
  let message: string;
  try {
    message = typeof text === 'function' ? (text as (a: unknown) => string)(PLACEHOLDERS) : text;
  } catch {
    message = '(message built from data)';
  }
  return { key, owner, status, code: wire ?? key, message };
}

/** The registered entry of a key (every catalogue a loaded module uses is registered), or undefined. */
export function describeError(key: string): ErrorDescription | undefined {
  const known = REGISTRY.get(key);
  return known && describeEntry(key, known.owner, known.entry);
}

/** One error for several refusals of the same request: the first one's code and status, their messages joined. */
export function joinErrors(errors: AppError[], details: ErrorDetail[]): AppError {
  const [first] = errors;
  const e = AppError.fromEntry(
    first.key,
    [first.status, '', first.code],
    errors.map((x) => x.message).join(' '),
    details,
  );
  return e;
}

export function validationError(details: ErrorDetail[], message?: string): AppError {
  return new AppError('validation_failed', message, details);
}

export function notFound(what = 'Élément'): AppError {
  return new AppError('not_found', `${what} introuvable.`);
}

export function forbidden(): AppError {
  return new AppError('forbidden');
}
