// What real use leaves behind, for the data generator (scripts/generate-data.ts): audit events
// linked into the hash chain exactly as the service's sealer links them (server/audit/seal.ts:
// the same canonical text, the same keyed hash), and the bodies of the messages the claims
// queue (server/claims/notify.ts), rendered once per template by the app's own templates.
import { canonicalOf, findSwitch, linkHash } from '../../server/audit/chain.js';
import {
  currentState,
  pruneCheckpoints,
  readSignedFiles,
  writeSignedFile,
  type CheckpointPayload,
} from '../../server/audit/checkpoints.js';
import { auditHead, auditKeysFromConfig } from '../../server/audit/index.js';
import type { Config } from '../../server/config.js';
import type { Db } from '../../server/shared/db.js';
import { renderEmail } from '../../server/notifications/templates.js';
import { formatCents } from '../../server/shared/money.js';
import type { Computed, Loader } from './bulk.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * The text PostgreSQL gives for a jsonb value (`data::text`), which the chain hashes: object keys
 * ordered by length then bytes, `", "` and `": "` between items. Numbers here are integers.
 */
export function jsonbText(v: Json): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(jsonbText).join(', ')}]`;
  const keys = Object.keys(v).sort((a, b) => {
    const [x, y] = [Buffer.from(a), Buffer.from(b)];
    return x.length - y.length || Buffer.compare(x, y);
  });
  return `{${keys.map((k) => `${JSON.stringify(k)}: ${jsonbText(v[k])}`).join(', ')}}`;
}

/** `occurred_at` as the canonical text shows it (microseconds, UTC). */
const canonicalAt = (ms: number) => `${new Date(ms).toISOString().slice(0, 23)}000Z`;

export interface GeneratedEvent {
  atMs: number;
  actor: string | null;
  action: string;
  recordType: string | null;
  recordId: string | null;
  reasonCode?: string | null;
  requestId: string | null;
  data: { [key: string]: Json };
}

/**
 * Appends events after the chain's head with explicit ids (the sequence is moved past them at
 * the end), each with its link: the keyed hash of the previous hash and the event's canonical
 * text, sealed a few seconds after it occurred (the sealer runs every 5 s).
 */
export class AuditTrail {
  count = 0;

  constructor(
    private events: Loader,
    private chain: Loader,
    private hmacKey: Buffer,
    private nextId: number,
    private head: { seq: number; hash: string },
  ) {}

  get lastId(): number {
    return this.nextId - 1;
  }

  async push(e: GeneratedEvent): Promise<void> {
    const id = String(this.nextId++);
    const data = jsonbText(e.data);
    const canonical = canonicalOf({
      e_id: id,
      e_at: canonicalAt(e.atMs),
      e_actor_user_id: e.actor,
      e_actor_token_id: null,
      e_action: e.action,
      e_record_type: e.recordType,
      e_record_id: e.recordId,
      e_reason_code: e.reasonCode ?? null,
      e_request_id: e.requestId,
      e_data: data,
    });
    const hash = linkHash(this.head.hash, canonical, this.hmacKey);
    const at = new Date(e.atMs).toISOString();
    await this.events.push(
      id,
      at,
      e.actor,
      e.action,
      e.recordType,
      e.recordId,
      e.reasonCode ?? null,
      e.requestId,
      data,
    );
    const seq = this.head.seq + 1;
    await this.chain.push(seq, id, this.head.hash, hash, new Date(e.atMs + 1000 + (seq % 5) * 1000).toISOString());
    this.head = { seq, hash };
    this.count++;
  }
}

/**
 * Signs a checkpoint of the chain's head into the configuration's checkpoint folder, as the
 * service's job does (server/audit/write-checkpoint.ts) but without walking the chain again:
 * the generator computed every link itself (the invariant checker verifies them). Refuses, with
 * the reason, when the folder's last signed statement is not a link of this chain (a folder
 * shared with another database).
 */
export async function signGeneratedHead(db: Db, config: Config, now: Date): Promise<string | null> {
  const keys = auditKeysFromConfig(config);
  const dir = config.auditCheckpointDir;
  const { files, invalid } = readSignedFiles(dir, keys);
  if (invalid.length) return `signed file(s) that do not verify: ${invalid.join(', ')}`;
  const state = currentState(files.map((f) => f.payload));
  if (state.last) {
    const link = await db('audit_chain').select('hash').where({ seq: state.last.seq }).first();
    if (link?.hash !== state.last.hash)
      return `the folder's last signed link #${state.last.seq} is not this chain's (${dir} holds another database's checkpoints)`;
  }
  const head = await auditHead(db);
  if (!head) return null;
  const payload: CheckpointPayload = {
    type: 'checkpoint',
    epoch: state.epoch,
    seq: head.seq,
    hash: head.hash,
    count: head.seq,
    keyedFromSeq: state.last?.keyedFromSeq ?? (await findSwitch(db))?.seq ?? null,
    signedAt: now.toISOString(),
  };
  writeSignedFile(dir, keys, payload);
  pruneCheckpoints(dir, readSignedFiles(dir, keys).files);
  return null;
}

export const AUDIT_EVENT_COLUMNS: [string, string][] = [
  ['id', 'bigint'],
  ['occurred_at', 'timestamptz'],
  ['actor_user_id', 'uuid'],
  ['action', 'text'],
  ['record_type', 'text'],
  ['record_id', 'text'],
  ['reason_code', 'text'],
  ['request_id', 'text'],
  ['data', 'jsonb'],
];
export const AUDIT_CHAIN_COLUMNS: [string, string][] = [
  ['seq', 'bigint'],
  ['event_id', 'bigint'],
  ['prev_hash', 'text'],
  ['hash', 'text'],
  ['sealed_at', 'timestamptz'],
];

// Stand-ins replaced in the rendered text: a name, a reference and two amounts no real claim has.
const NAME = 'Zzname';
const REF = 'R-0000-ZZZZZ';
const DAY = 'ZZ/ZZ/ZZZZ';
const ASKED = 987_654_301;
const GRANTED = 987_654_302;

/**
 * The bodies of the two claim messages, rendered once with the app's templates and stand-ins,
 * and filled per message by the database as the rows go in (`Computed` columns of the outbox's
 * loader): a million bodies are neither rendered nor sent one by one. Each row gives `tpl`
 * (which text: `CLAIM_TEXTS`), `name_html`, `reference`, `asked` and `granted` (formatted), `day` (dd/mm/yyyy).
 */
export function claimMessageColumns(orgName: string): Computed[] {
  const common = { orgName, orgAddress: '', orgPhone: '', name: NAME, reference: REF, isAdvance: false };
  const received = renderEmail('claim-received', {
    ...common,
    sessions: [{ title: 'Atelier', when: `le ${DAY}` }],
    askedCents: ASKED,
  });
  // One generic line per decision: the body is as long as the app's, not a copy of the claim.
  const decision = (reduced: boolean) =>
    renderEmail('claim-decision', {
      ...common,
      contest: [`Vous pouvez contester cette décision auprès de ${orgName} dans un délai de 2 mois.`],
      lines: [
        {
          label: 'Frais de déplacement',
          date: DAY,
          askedCents: ASKED,
          grantedCents: GRANTED,
          reduced,
          reason: reduced ? 'Au-dessus du plafond' : null,
          reasonNote: null,
        },
      ],
      askedCents: ASKED,
      grantedCents: GRANTED,
      toPayCents: GRANTED,
      toRecoverCents: 0,
      anyReduction: reduced,
    });
  const texts = [received, decision(false), decision(true)]; // CLAIM_TEXTS order
  const part = (column: string, key: 'subject' | 'text' | 'html', name: string): Computed => ({
    column,
    sql: (c) =>
      `replace(replace(replace(replace(replace((?::text[])[${c('tpl')}], ?, ${c(name)}), ?, ${c('reference')}), ?, ${c('asked')}), ?, ${c('granted')}), ?, ${c('day')})`,
    bindings: [texts.map((t) => t[key]), NAME, REF, formatCents(ASKED), formatCents(GRANTED), DAY],
  });
  return [
    part('subject', 'subject', 'recipient_name'),
    part('body_text', 'text', 'recipient_name'),
    part('body_html', 'html', 'name_html'),
  ];
}

export const CLAIM_TEXTS = { received: 1, decided: 2, reduced: 3 } as const;

/** A name as the HTML templates escape it (nunjucks autoescape). */
export const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
