import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { notFound } from '../shared/errors.js';
import {
  ParticipantIdParams,
  PayeeCreateBody,
  PayeeIdParams,
  PayeeList,
  PayeePatchBody,
  PayeeResult,
  RevealedIban,
} from './schemas.js';
import { getParticipant, listPayees } from './repo.js';
import { presentPayee } from './presenter.js';
import { createPayee } from './create-payee.js';
import { updatePayee } from './update-payee.js';
import { revealIban } from './reveal-iban.js';
import { IBAN_REVEALERS, PAYEE_READERS, PAYEE_WRITERS } from './policy.js';

export function payeeRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/participants/:id/payees',
      access: PAYEE_READERS,
      tags: ['payees'],
      summary: 'Payees of a participant (IBAN masked)',
      params: ParticipantIdParams,
      responses: { 200: { description: 'Payees, active first', schema: PayeeList } },
      handler: async (req, res) => {
        if (!(await getParticipant(deps.db, req.params.id))) throw notFound('Participant');
        res.json({ items: (await listPayees(deps.db, req.params.id)).map(presentPayee) });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/participants/:id/payees',
      access: PAYEE_WRITERS,
      tags: ['payees'],
      summary:
        'Add a payee (the participant by default); an IBAN already used for another participant comes back as warning iban_shared',
      params: ParticipantIdParams,
      body: PayeeCreateBody,
      responses: { 201: { description: 'Created, with warnings', schema: PayeeResult } },
      errors: ['payee_participant_merged', 'payee_participant_not_active', 'payee_own_iban_requires_override'],
      handler: async (req, res) => {
        res
          .status(201)
          .json(await createPayee(deps, req.ctx.acting, { participantId: req.params.id, payee: req.body }));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/payees/:id',
      access: PAYEE_WRITERS,
      tags: ['payees'],
      summary: 'Change name, BIC, active flag, or replace the IBAN',
      params: PayeeIdParams,
      body: PayeePatchBody,
      responses: { 200: { description: 'Payee, with warnings', schema: PayeeResult } },
      errors: ['payee_own_iban_requires_override'],
      handler: async (req, res) => {
        res.json(await updatePayee(deps, req.ctx.acting, { payeeId: req.params.id, patch: req.body }));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/payees/:id/reveal-iban',
      access: IBAN_REVEALERS,
      tags: ['payees'],
      summary: 'The full IBAN of a payee (finance, admin); each reveal is audited (payee.iban_revealed)',
      params: PayeeIdParams,
      responses: { 200: { description: 'The IBAN', schema: RevealedIban } },
      errors: ['payee_without_iban'],
      handler: async (req, res) => {
        const { payeeId, iban } = await revealIban(deps, req.ctx.acting, req.params.id);
        res.setHeader('Cache-Control', 'no-store');
        res.json({ payeeId, iban });
      },
    }),
  ];
}
