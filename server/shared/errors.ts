/** One catalogue of error codes: HTTP status and the French message shown to people. */
export const ERRORS = {
  validation_failed: [400, 'Certaines données sont invalides.'],
  malformed_json: [400, 'Le corps de la requête n’est pas un JSON valide.'],
  malformed_request: [400, 'La requête est mal formée.'],
  unsupported_media_type: [415, 'Ce type de contenu n’est pas accepté.'],
  payload_too_large: [413, 'Les données envoyées sont trop volumineuses.'],
  unauthenticated: [401, 'Vous devez vous connecter.'],
  invalid_credentials: [401, 'Adresse e-mail ou mot de passe incorrect.'],
  too_many_attempts: [429, 'Trop de tentatives. Réessayez dans quelques minutes.'],
  forbidden: [403, 'Vous n’avez pas les droits nécessaires pour cette action.'],
  password_change_required: [403, 'Vous devez d’abord changer votre mot de passe (page « Mon compte »).'],
  csrf_failed: [403, 'Le formulaire a expiré ou ne vient pas de cette application. Rechargez la page et recommencez.'],
  override_forbidden: [403, 'Vous n’avez pas le droit de passer outre cette règle.'],
  not_found: [404, 'Élément introuvable.'],
  route_not_found: [404, 'Cette adresse n’existe pas.'],
  conflict: [409, 'Cette action est en conflit avec l’état actuel des données.'],
  email_taken: [409, 'Un compte existe déjà avec cette adresse e-mail.'],
  last_admin: [409, 'Il doit rester au moins un administrateur actif.'],
  budget_exceeded_requires_override: [409, 'Cette dépense dépasserait une ligne budgétaire : le service financier peut passer outre en indiquant une raison.'],
  idempotency_key_reused: [422, 'Cette clé d’idempotence a déjà servi pour une autre requête.'],
  internal_error: [500, 'Une erreur inattendue est survenue. L’équipe technique a été prévenue.'],
  service_unavailable: [503, 'Le service est momentanément indisponible.'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorDetail {
  field: string;
  message: string;
}

/** An error a client can act on; rendered as `{"error":{"code","message","details"}}`. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: string,
    message?: string,
    readonly details: ErrorDetail[] = [],
    status?: number,
  ) {
    const known = (ERRORS as Record<string, readonly [number, string]>)[code];
    super(message ?? known?.[1] ?? ERRORS.conflict[1]);
    this.status = status ?? known?.[0] ?? 409;
  }

  toJSON() {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

export function validationError(details: ErrorDetail[], message?: string): AppError {
  return new AppError('validation_failed', message, details);
}

export function notFound(what = 'Élément'): AppError {
  return new AppError('not_found', `${what} introuvable.`);
}

export function forbidden(message?: string): AppError {
  return new AppError('forbidden', message);
}

/** A state conflict with its own stable code (`claim_already_decided`, `booking_overlap`…). */
export function conflict(code: string, message: string, details: ErrorDetail[] = []): AppError {
  return new AppError(code, message, details, 409);
}
