import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ctx } from './context.js';

const XSD_DIR = path.resolve('test/fixtures/xsd');

/** The schemas every file of a version must pass: ISO 20022 for both, and the EPC rulebook's for `.09`. */
export const SCHEMAS: Record<string, string[]> = {
  'pain.001.001.09': ['pain.001.001.09.xsd', 'epc_pain.001.001.09.xsd'],
  'pain.001.001.03': ['pain.001.001.03.xsd'],
};

let xmllintChecked = false;
function requireXmllint(): void {
  if (xmllintChecked) return;
  const probe = spawnSync('xmllint', ['--version'], { encoding: 'utf8' });
  if (probe.error)
    throw new Error(
      'xmllint is missing: install libxml2-utils (bash .ci/run does) — every SEPA file of the suite is validated against the ISO 20022 and EPC schemas',
    );
  xmllintChecked = true;
}

/** The namespace version of a pain.001 document (`pain.001.001.09`…), or null. */
export function sepaVersionOf(xml: string): string | null {
  return /xmlns="urn:iso:std:iso:20022:tech:xsd:(pain\.001\.001\.\d\d)"/.exec(xml)?.[1] ?? null;
}

/**
 * Validates XML documents against the schemas of their version with `xmllint --noout
 * --schema`; returns the errors (empty when every document passes every schema).
 */
export function xsdErrors(documents: { name: string; xml: string }[]): string[] {
  if (documents.length === 0) return [];
  requireXmllint();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbo-sepa-'));
  try {
    const errors: string[] = [];
    const bySchema = new Map<string, string[]>();
    for (const [i, d] of documents.entries()) {
      const version = sepaVersionOf(d.xml);
      if (!version || !SCHEMAS[version]) {
        errors.push(`${d.name}: not a pain.001.001.09 or .03 document`);
        continue;
      }
      const file = path.join(dir, `${i}.xml`);
      fs.writeFileSync(file, d.xml);
      for (const xsd of SCHEMAS[version]) bySchema.set(xsd, [...(bySchema.get(xsd) ?? []), file]);
    }
    for (const [xsd, files] of bySchema) {
      const run = spawnSync('xmllint', ['--noout', '--schema', path.join(XSD_DIR, xsd), ...files], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      if (run.status !== 0) {
        const named = run.stderr.replace(
          new RegExp(`${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(\\d+)\\.xml`, 'g'),
          (_m, i) => documents[Number(i)].name,
        );
        errors.push(
          ...named
            .split('\n')
            .filter((l) => l && !/ validates$/.test(l))
            .map((l) => `[${xsd}] ${l}`),
        );
      }
    }
    return errors;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const validated = new Set<string>();

/**
 * Every bank file of the test database (each frozen at export: no other code writes a SEPA
 * file) is validated once against its schemas. A root `afterEach` hook calls this after every
 * test of the run, so a new test that produces a file cannot skip it. A file whose content was
 * erased (anonymisation) before anyone validated it fails too: a test that erases one calls
 * this first.
 */
export async function validateStoredBankFiles(): Promise<number> {
  const { db, keyring } = ctx().deps;
  const ids: string[] = (await db('files').where({ purpose: 'payment_file' }).pluck('id')).filter(
    (id: string) => !validated.has(id),
  );
  if (ids.length === 0) return 0;
  const rows = await db('files').whereIn('id', ids).select('id', 'original_name', 'content', 'key_id', 'erased_at');
  const erased = rows.filter((r) => !r.content);
  if (erased.length)
    throw new Error(
      `bank file(s) ${erased.map((r) => r.id).join(', ')} erased before their schema validation: call validateStoredBankFiles() before anonymising`,
    );
  const documents = rows.map((r) => ({
    name: `${r.original_name} (${r.id})`,
    xml: keyring.decrypt((r.content as Buffer).toString('base64'), r.key_id),
  }));
  const errors = xsdErrors(documents);
  if (errors.length) throw new Error(`bank file(s) fail the ISO 20022 / EPC schemas:\n${errors.join('\n')}`);
  for (const r of rows) validated.add(r.id);
  return rows.length;
}

/** How many stored bank files were validated so far in this run. */
export const validatedBankFileCount = () => validated.size;
