import type { Static } from '@sinclair/typebox';
import { FreeText, obj } from './schema.js';
import { AppError } from './errors.js';

/**
 * `"override": {"reason": "…"}`: how a client overrules a rule that answered
 * `409 …_requires_override` (docs/domain.md#overrides). Put it in the body schema of the route.
 */
export const Override = obj({
  reason: FreeText({
    minLength: 3,
    maxLength: 500,
    description: 'Why the rule is overruled (kept on the business record, never in the audit log)',
  }),
});
export type Override = Static<typeof Override>;

/**
 * Enforces a rule that a user with the right role may overrule. Without `override` it throws
 * `refusal` (a 409 from a catalogue, code ending in `_requires_override`); with an override from
 * someone not `allowed` it throws `403 override_forbidden`. When it returns, the caller goes
 * on and records the override in its audit event (a reason code, never the free text).
 */
export function requireOverride(refusal: AppError, override: Override | undefined, allowed: boolean): Override {
  if (!refusal.code.endsWith('_requires_override'))
    throw new Error(`override codes end in _requires_override: ${refusal.code}`);
  if (!override) throw refusal;
  if (!allowed) throw new AppError('override_forbidden');
  const reason = override.reason.trim();
  if (reason.length < 3)
    throw new AppError('validation_failed', undefined, [
      { field: 'override.reason', message: 'indiquez le motif (3 caractères au moins)' },
    ]);
  return { reason };
}
