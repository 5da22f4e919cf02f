import { randomBytes, sign, verify } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AuditKeys } from './keys.js';

/**
 * Signed statements about the chain, written outside the database (AUDIT_CHECKPOINT_DIR, a
 * folder every instance can write): a checkpoint says "the chain was verified up to link
 * `seq` whose hash is `hash`"; an epoch says "the database was restored; the chain goes on
 * from the link that records it". Only a holder of the Ed25519 private key (the service, the
 * operator's CLI) can write one that verifies, so a database superuser can neither forge
 * nor move them.
 */
export interface CheckpointPayload {
  type: 'checkpoint';
  epoch: number;
  /** Head link, and the number of links up to it (the chain is numbered from 1 without gaps). */
  seq: number;
  hash: string;
  count: number;
  /** The link from which hashes are keyed (HMAC); null before the switch is sealed. */
  keyedFromSeq: number | null;
  signedAt: string;
}

export interface EpochPayload {
  type: 'epoch';
  epoch: number;
  reason: string;
  /** The link of the event that records the new epoch. */
  seq: number;
  hash: string;
  keyedFromSeq: number | null;
  /** The last signed checkpoint before the restore (what the restore may have lost after it). */
  previous: { epoch: number; seq: number; hash: string } | null;
  signedAt: string;
}

export type SignedPayload = CheckpointPayload | EpochPayload;

export interface SignedFile {
  name: string;
  payload: SignedPayload;
}

/** The bytes that are signed: JSON with keys in a fixed (sorted) order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const o = value as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

/** The file's text: the payload, its Ed25519 signature and the key's fingerprint. */
export function signPayload(keys: AuditKeys, payload: SignedPayload): string {
  const signature = sign(null, Buffer.from(canonicalJson(payload), 'utf8'), keys.privateKey).toString('base64');
  return `${JSON.stringify({ payload, algorithm: 'Ed25519', signature, publicKeyFingerprint: keys.publicKeyFingerprint }, null, 2)}\n`;
}

/** The payload of a signed file, or null when the text is not one signed with this key. */
export function verifySignedText(keys: AuditKeys, text: string): SignedPayload | null {
  try {
    const doc = JSON.parse(text) as { payload?: SignedPayload; signature?: string };
    if (!doc.payload || typeof doc.signature !== 'string') return null;
    const ok = verify(
      null,
      Buffer.from(canonicalJson(doc.payload), 'utf8'),
      keys.publicKey,
      Buffer.from(doc.signature, 'base64'),
    );
    return ok && (doc.payload.type === 'checkpoint' || doc.payload.type === 'epoch') ? doc.payload : null;
  } catch {
    return null;
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const NAME = /^(checkpoint-e\d{4}-s\d{12}|epoch-e\d{4})\.json$/;

export function fileNameOf(payload: SignedPayload): string {
  return payload.type === 'epoch'
    ? `epoch-e${pad(payload.epoch, 4)}.json`
    : `checkpoint-e${pad(payload.epoch, 4)}-s${pad(payload.seq, 12)}.json`;
}

/**
 * Writes a signed file without ever replacing one (another instance may have signed the same
 * head: its file stands). Written beside, then linked into place, so a reader never sees half a file.
 */
export function writeSignedFile(dir: string, keys: AuditKeys, payload: SignedPayload): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const name = fileNameOf(payload);
  const tmp = path.join(dir, `.tmp-${randomBytes(6).toString('hex')}`);
  fs.writeFileSync(tmp, signPayload(keys, payload), { mode: 0o600 });
  try {
    fs.linkSync(tmp, path.join(dir, name));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    fs.unlinkSync(tmp);
  }
  return name;
}

/** Every signed file of the folder: those that verify, and the names of those that do not. */
export function readSignedFiles(dir: string, keys: AuditKeys): { files: SignedFile[]; invalid: string[] } {
  if (!fs.existsSync(dir)) return { files: [], invalid: [] };
  const files: SignedFile[] = [];
  const invalid: string[] = [];
  for (const name of fs
    .readdirSync(dir)
    .filter((n) => NAME.test(n))
    .sort()) {
    const payload = verifySignedText(keys, fs.readFileSync(path.join(dir, name), 'utf8'));
    // A file must also say what its name says: a valid file copied over another name is refused.
    if (payload && fileNameOf(payload) === name) files.push({ name, payload });
    else invalid.push(name);
  }
  return { files, invalid };
}

/** What the signed files say about the current epoch: its opening statement and its latest checkpoint. */
export function currentState(files: SignedPayload[]) {
  const epochs = files.filter((f): f is EpochPayload => f.type === 'epoch');
  const epoch = Math.max(0, ...epochs.map((e) => e.epoch));
  const opening = epochs.find((e) => e.epoch === epoch) ?? null;
  const checkpoints = files
    .filter((f): f is CheckpointPayload => f.type === 'checkpoint' && f.epoch === epoch)
    .sort((a, b) => a.seq - b.seq);
  const latest = checkpoints.at(-1) ?? null;
  // The latest signed statement of the epoch: what the chain must still contain.
  const last: SignedPayload | null = latest && (!opening || latest.seq >= opening.seq) ? latest : opening;
  return { epoch, opening, checkpoints, last };
}

/** Keeps the epoch files and the latest `keep` checkpoints of each epoch. */
export function pruneCheckpoints(dir: string, files: SignedFile[], keep = 20): void {
  const byEpoch = new Map<number, SignedFile[]>();
  for (const f of files)
    if (f.payload.type === 'checkpoint') byEpoch.set(f.payload.epoch, [...(byEpoch.get(f.payload.epoch) ?? []), f]);
  for (const list of byEpoch.values()) {
    list.sort((a, b) => a.payload.seq - b.payload.seq);
    for (const f of list.slice(0, Math.max(0, list.length - keep))) fs.rmSync(path.join(dir, f.name), { force: true });
  }
}
