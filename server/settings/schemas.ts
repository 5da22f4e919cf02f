import { Type, type Static } from '@sinclair/typebox';
import { CentsUpTo, obj, Nullable, Label } from '../shared/schema.js';

export const COST_CATEGORIES = [
  'transport',
  'mileage',
  'childcare',
  'meals',
  'nights',
  'allowances',
  'venue',
  'catering',
  'facilitation',
  'interpreting',
  'printing',
  'other',
] as const;
export type CostCategory = (typeof COST_CATEGORIES)[number];

export const COST_CATEGORY_LABELS: Record<CostCategory, string> = {
  transport: 'Transports en commun et taxis',
  mileage: 'Indemnités kilométriques',
  childcare: 'Frais de garde',
  meals: 'Repas',
  nights: 'Nuitées',
  allowances: 'Indemnités de participation',
  venue: 'Location de salles',
  catering: 'Restauration, collations',
  facilitation: 'Animation',
  interpreting: 'Interprétariat',
  printing: 'Impression',
  other: 'Autres dépenses',
};

const AccountingCode = obj({
  nature: Type.String({ pattern: '^[0-9]{2,8}$', description: 'M57 nature account (e.g. 6245)' }),
  fonction: Type.String({ pattern: '^[0-9]{0,4}$', description: 'M57 function code (may be empty)' }),
});

const accountingProps = Object.fromEntries(COST_CATEGORIES.map((c) => [c, AccountingCode])) as Record<
  CostCategory,
  typeof AccountingCode
>;

const Text = (max: number) => Label({ minLength: 0, maxLength: max });

const Address = obj({
  line1: Text(200),
  line2: Text(200),
  postalCode: Type.String({ pattern: '^([0-9]{5})?$' }),
  city: Text(100),
});
const Dpo = obj({
  name: Text(200),
  email: Type.Union([Type.String({ format: 'email', maxLength: 254 }), Type.Literal('')]),
  phone: Type.String({ pattern: '^[0-9 +().-]{0,20}$' }),
});
const Debtor = obj({
  name: Text(70),
  iban: Nullable(Type.String({ format: 'iban' })),
  bic: Nullable(Type.String({ format: 'bic' })),
});
const Retention = obj({
  activeYearsAfterLastContact: Type.Integer({ minimum: 1, maximum: 10 }),
  archiveYearsAfterLastPayment: Type.Integer({ minimum: 1, maximum: 30 }),
  dailyRun: Type.Boolean({ description: 'Apply retention once a day inside the service' }),
});
const Thresholds = obj({
  receiptRequiredAboveCents: CentsUpTo(1_000_000),
  allowanceYearlyWarningCents: CentsUpTo(10_000_000),
  claimDeadlineMonths: Type.Integer({ minimum: 1, maximum: 24 }),
  solicitationLimitPer90Days: Type.Integer({ minimum: 1, maximum: 50 }),
});

/** The organisation's settings (docs/domain.md#organisation-settings). One schema validates, types and documents them. */
export const Settings = obj({
  name: Label({ maxLength: 200 }),
  legalForm: Type.Union([Type.Literal('public_body'), Type.Literal('association')]),
  siret: Nullable(Type.String({ format: 'siret' })),
  address: Address,
  /** Telephone number people can call with a question (printed on invitations and letters). */
  phone: Type.String({ pattern: '^[0-9 +().-]{0,20}$' }),
  dpo: Dpo,
  timeZone: Type.String({ format: 'timezone' }),
  payerMode: Type.Union([Type.Literal('accounting_export'), Type.Literal('sepa_transfer')]),
  sepaVersion: Type.Union([Type.Literal('pain.001.001.09'), Type.Literal('pain.001.001.03')]),
  debtor: Debtor,
  /** Separation of duties: whoever decided a claim cannot put it in a payment batch. */
  deciderCannotBatch: Type.Boolean({
    description: 'Whoever decided a claim cannot put it in a payment batch (separation of duties)',
  }),
  accountingCodes: obj(accountingProps),
  retention: Retention,
  thresholds: Thresholds,
});
export type Settings = Static<typeof Settings>;

/** PATCH body: any subset, nested objects merged field by field. */
export const SettingsPatch = obj({
  name: Type.Optional(Settings.properties.name),
  legalForm: Type.Optional(Settings.properties.legalForm),
  siret: Type.Optional(Settings.properties.siret),
  address: Type.Optional(Type.Partial(Address, { additionalProperties: false })),
  phone: Type.Optional(Settings.properties.phone),
  dpo: Type.Optional(Type.Partial(Dpo, { additionalProperties: false })),
  timeZone: Type.Optional(Settings.properties.timeZone),
  payerMode: Type.Optional(Settings.properties.payerMode),
  sepaVersion: Type.Optional(Settings.properties.sepaVersion),
  debtor: Type.Optional(Type.Partial(Debtor, { additionalProperties: false })),
  deciderCannotBatch: Type.Optional(Settings.properties.deciderCannotBatch),
  accountingCodes: Type.Optional(Type.Partial(obj(accountingProps), { additionalProperties: false })),
  retention: Type.Optional(Type.Partial(Retention, { additionalProperties: false })),
  thresholds: Type.Optional(Type.Partial(Thresholds, { additionalProperties: false })),
});
export type SettingsPatch = Static<typeof SettingsPatch>;

export const SettingsResponse = obj({
  settings: Settings,
  version: Type.Integer(),
  updatedAt: Type.String({ format: 'date-time' }),
});

const DEFAULT_CODES: Record<CostCategory, { nature: string; fonction: string }> = {
  transport: { nature: '6251', fonction: '' },
  mileage: { nature: '6251', fonction: '' },
  childcare: { nature: '6218', fonction: '' },
  meals: { nature: '6256', fonction: '' },
  nights: { nature: '6256', fonction: '' },
  allowances: { nature: '6568', fonction: '' },
  venue: { nature: '6132', fonction: '' },
  catering: { nature: '6257', fonction: '' },
  facilitation: { nature: '6228', fonction: '' },
  interpreting: { nature: '6228', fonction: '' },
  printing: { nature: '6236', fonction: '' },
  other: { nature: '6288', fonction: '' },
};

/** Defaults: CNIL social-sector retention (2 years active, 10 years accounting archive). */
export function defaultSettings(name = 'Mon organisation'): Settings {
  return {
    name,
    legalForm: 'public_body',
    siret: null,
    address: { line1: '', line2: '', postalCode: '', city: '' },
    phone: '',
    dpo: { name: '', email: '', phone: '' },
    timeZone: 'Europe/Paris',
    payerMode: 'accounting_export',
    sepaVersion: 'pain.001.001.09',
    debtor: { name: '', iban: null, bic: null },
    deciderCannotBatch: true,
    accountingCodes: structuredClone(DEFAULT_CODES),
    retention: { activeYearsAfterLastContact: 2, archiveYearsAfterLastPayment: 10, dailyRun: true },
    thresholds: {
      receiptRequiredAboveCents: 1500,
      allowanceYearlyWarningCents: 50000,
      claimDeadlineMonths: 3,
      solicitationLimitPer90Days: 4,
    },
  };
}
