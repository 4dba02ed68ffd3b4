/**
 * The sandbox's fake customers. Everything is derived from a hash of fixed labels plus the clock at
 * (re)start, so two runs list the same apps with the same ids, and dates never go stale.
 * Icon URLs are kept relative (`/logos/x.svg`) here; the sandbox makes them absolute when it answers.
 */
import { createHash } from 'node:crypto';
import type { SandboxAccount as ConsentAccount, SandboxConsent as Consent } from './store.js';

/** Demo login name → `openid_connect_user_id`. alex's is the id in MX's own sample token. */
export const DEMO_CUSTOMERS = {
  alex: 'fN7SsIMfJvJJcNjKBmB6Kg',
  sam: 'oChgC5EZbMXzXawRSMxCMg',
  new: 'SbuURkuF9j7z2WWTgf2b1w',
  many50: 'fuZ4nmqcmB9YjYRSj8WnSA',
  many200: 'ruzU2UdoT7WLPmOohUg1Jw',
  /** Hostile data: markup in every text field, script and foreign URLs as icons (see XSS_FLAG). */
  mallory: 'MaLLoRyX5s0Hst1LeCu5tA',
} as const satisfies Record<string, string>;

export type DemoUsername = keyof typeof DEMO_CUSTOMERS;

/** A real customer other than alex, for tests that try to reach someone else's consents. */
export const TAMPER_CUSTOMER_ID: string = DEMO_CUSTOMERS.sam;

/** Size of the data set an auto-provisioned customer receives. */
export const PROVISIONED_APPS = 5;
export const PROVISIONED_ACCOUNTS = 3;

export const LOGOS = ['ledgerleaf', 'harborline', 'quillfile', 'fernpay', 'brightpath', 'tallyhive', 'nestward'] as const;

const DAY_MS = 86_400_000;

function digest(label: string): Buffer {
  return createHash('sha256').update(`consent-sandbox:${label}`).digest();
}

/** A UUID v4 in shape, but stable for a given label. */
function stableUuid(label: string): string {
  const b = digest(label).subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * `sandbox`: MX's own ids carry a three-letter type prefix (ACT-, MBR-, USR-); the sandbox follows that habit.
 * `mx`: the shapes of MX's documented examples, `_sadfa3CKHJ23...` for a consent and `1234123412341234` for an account.
 */
export type IdStyle = 'sandbox' | 'mx';
export const ID_STYLES: readonly IdStyle[] = ['sandbox', 'mx'];

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const base62 = (bytes: Buffer) => [...bytes].map((b) => BASE62[b % 62]).join('');

const consentId = (label: string, style: IdStyle) =>
  style === 'mx' ? `_${base62(digest(`consent:${label}`).subarray(0, 20))}` : `CNS-${stableUuid(`consent:${label}`)}`;
const accountId = (label: string, style: IdStyle) =>
  style === 'mx'
    ? `${1 + (digest(`account:${label}`)[0]! % 9)}${[...digest(`account:${label}`).subarray(1, 16)].map((b) => b % 10).join('')}`
    : `ACT-${stableUuid(`account:${label}`)}`;
const masked = (label: string) => `XXXXXXXX${String(digest(`mask:${label}`).readUInt32BE(0) % 10_000).padStart(4, '0')}`;

/** A timestamp `days` before `now`, with label-derived seconds and milliseconds so it looks recorded. */
function ago(now: number, days: number, label: string): string {
  const jitter = digest(`time:${label}`).readUInt32BE(0) % 60_000;
  return new Date(now - Math.round(days * DAY_MS) - jitter).toISOString();
}

/** A logo name becomes the sandbox's own `/logos/<name>.svg`; anything with a scheme is kept as given (mallory). */
const logoPath = (logo: string | null) => (logo === null ? null : /^[a-z]+$/.test(logo) ? `/logos/${logo}.svg` : logo);

interface AccountSpec {
  key: string;
  nickname: string;
}

interface AppSpec {
  name: string;
  logo: string | null;
  connectedDaysAgo: number;
  lastAccessedDaysAgo: number | null;
  revokedDaysAgo?: number;
  autoShare: boolean;
  /** Account keys the app can see, mapped to whether each is shared. */
  accounts: Record<string, boolean>;
}

function buildConsent(owner: string, app: AppSpec, accounts: AccountSpec[], now: number, style: IdStyle): Consent {
  const label = `${owner}:${app.name}`;
  const created = ago(now, app.connectedDaysAgo, label);
  // Sharing starts a few seconds after the record exists: the time the customer spends on the consent screen.
  const consented = new Date(Date.parse(created) + 4_000 + (digest(`consented:${label}`).readUInt16BE(0) % 20_000));
  const listed: ConsentAccount[] = accounts
    .filter((a) => a.key in app.accounts)
    .map((a) => ({
      enabled: app.accounts[a.key]!,
      nickname: a.nickname,
      account_id: accountId(`${owner}:${a.key}`, style),
      account_number_display: masked(`${owner}:${a.key}`),
    }));
  return {
    id: consentId(label, style),
    application_name: app.name,
    application_icon_url: logoPath(app.logo),
    created_at: created,
    last_accessed: app.lastAccessedDaysAgo === null ? null : ago(now, app.lastAccessedDaysAgo, `${label}:last`),
    accounts: listed,
    auto_enable_future_accounts: app.autoShare,
    consented_on: consented.toISOString(),
    revoked_at: app.revokedDaysAgo === undefined ? null : ago(now, app.revokedDaysAgo, `${label}:revoked`),
  };
}

const ALEX_ACCOUNTS: AccountSpec[] = [
  { key: 'checking', nickname: 'Everyday Checking' },
  { key: 'savings', nickname: 'Rainy Day Savings' },
  { key: 'card', nickname: 'Cash Back Card' },
  { key: 'vacation', nickname: 'Vacation Fund' },
];

// Newest connection first. Harborline and Quillfile are the "forgotten" apps (no access for 120+ days).
const ALEX_APPS: AppSpec[] = [
  { name: 'Fernpay', logo: 'fernpay', connectedDaysAgo: 2.3, lastAccessedDaysAgo: null, autoShare: false,
    accounts: { checking: true, savings: false, vacation: false } },
  { name: 'Summitvest Investing', logo: null, connectedDaysAgo: 88.4, lastAccessedDaysAgo: 1.4, autoShare: false,
    accounts: { checking: true, savings: false, card: false, vacation: false } },
  { name: 'Tallyhive Bill Split', logo: 'tallyhive', connectedDaysAgo: 140.2, lastAccessedDaysAgo: 9.1, revokedDaysAgo: 9,
    autoShare: false, accounts: { checking: true, card: false } },
  { name: 'Harborline Lending', logo: 'harborline', connectedDaysAgo: 214.6, lastAccessedDaysAgo: 161.3, autoShare: false,
    accounts: { checking: true, savings: true, card: false, vacation: false } },
  { name: 'Nestward Rent Reporting', logo: 'nestward', connectedDaysAgo: 233.8, lastAccessedDaysAgo: 19.5, autoShare: true,
    accounts: { checking: true, savings: false, card: false } },
  { name: 'Ledgerleaf Budget', logo: 'ledgerleaf', connectedDaysAgo: 412.1, lastAccessedDaysAgo: 0.09, autoShare: true,
    accounts: { checking: true, savings: true, card: true, vacation: false } },
  { name: 'Quillfile Tax', logo: 'quillfile', connectedDaysAgo: 530.7, lastAccessedDaysAgo: 287.2, autoShare: false,
    accounts: { checking: true, savings: true, card: true } },
  { name: 'Brightpath Credit Monitor', logo: 'brightpath', connectedDaysAgo: 702.5, lastAccessedDaysAgo: 44.2,
    revokedDaysAgo: 44, autoShare: true, accounts: { checking: true, savings: false, card: true } },
];

const SAM_ACCOUNTS: AccountSpec[] = [
  { key: 'joint', nickname: 'Joint Checking' },
  { key: 'emergency', nickname: 'Emergency Savings' },
];

const SAM_APPS: AppSpec[] = [
  { name: 'Ledgerleaf Budget', logo: 'ledgerleaf', connectedDaysAgo: 61.7, lastAccessedDaysAgo: 3.2, autoShare: false,
    accounts: { joint: true, emergency: false } },
];

/**
 * What a compromised app registration or a careless upstream could put in front of the customer. Every
 * payload, if it ever ran, would set `window.__xss` (to say which one), so a browser test can tell; icons
 * are URLs the widget must never load (script, inline data, cleartext on a foreign host).
 */
export const XSS_FLAG = '__xss';

const MALLORY_ACCOUNTS: AccountSpec[] = [
  { key: 'checking', nickname: `<b onmouseover="window.${XSS_FLAG}='nickname'">Checking</b>` },
  { key: 'savings', nickname: `<iframe src="javascript:window.${XSS_FLAG}='iframe'"></iframe>Savings` },
  { key: 'card', nickname: `</li><script>window.${XSS_FLAG}='nickname-script'</script>{{constructor.constructor('window.${XSS_FLAG}=1')()}}` },
];

const MALLORY_APPS: AppSpec[] = [
  { name: `<img src=x onerror="window.${XSS_FLAG}='app-name'">Evil Budget`, logo: `javascript:window.${XSS_FLAG}='icon-javascript'`,
    connectedDaysAgo: 3.5, lastAccessedDaysAgo: 0.5, autoShare: true, accounts: { checking: true, savings: false, card: true } },
  { name: `<script>window.${XSS_FLAG}='script'</script>Script Lender`,
    logo: `data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" onload="window.${XSS_FLAG}='icon-data'"/>`,
    connectedDaysAgo: 40.2, lastAccessedDaysAgo: 2.2, autoShare: false, accounts: { checking: true, savings: true } },
  { name: `"><svg onload="window.${XSS_FLAG}='attribute'"></svg>Quote Breaker`, logo: 'http://evil.invalid/pixel.gif',
    connectedDaysAgo: 75.9, lastAccessedDaysAgo: null, autoShare: false, accounts: { checking: false, card: true } },
  { name: `\${window.${XSS_FLAG}='template'} Template Tax`, logo: `  JaVaScRiPt:window.${XSS_FLAG}='icon-mixed-case'`,
    connectedDaysAgo: 120.4, lastAccessedDaysAgo: 30.1, autoShare: true, accounts: { savings: true } },
  { name: `<a href="javascript:window.${XSS_FLAG}='history'">Click me</a> Stopped Spy`, logo: 'vbscript:msgbox(1)',
    connectedDaysAgo: 300.6, lastAccessedDaysAgo: 12.7, revokedDaysAgo: 12, autoShare: false, accounts: { checking: true } },
];

const NAME_STARTS = ['Acorn', 'Beacon', 'Cedar', 'Driftwood', 'Ember', 'Fjord', 'Granite', 'Hollow', 'Iris', 'Juniper',
  'Kestrel', 'Lantern', 'Meadow', 'Nimbus', 'Orchard', 'Pebble', 'Quartz', 'Redwood', 'Sparrow', 'Tidewater'];
const NAME_ENDS = ['Budget', 'Lending', 'Tax', 'Invest', 'Pay', 'Credit', 'Savings Coach', 'Rent', 'Insurance',
  'Payroll', 'Wallet', 'Mortgage'];
const ACCOUNT_NAMES = ['Everyday Checking', 'High-Yield Savings', 'Cash Back Card', 'Joint Checking', 'Holiday Savings',
  'Travel Rewards Card', 'Money Market', 'Kids Savings', 'Business Checking', 'Home Equity Line'];

function generatedName(i: number): string {
  const base = `${NAME_STARTS[i % NAME_STARTS.length]} ${NAME_ENDS[Math.floor(i / NAME_STARTS.length) % NAME_ENDS.length]}`;
  const round = Math.floor(i / (NAME_STARTS.length * NAME_ENDS.length));
  return round === 0 ? base : `${base} ${round + 1}`;
}

/**
 * A synthetic customer with `apps` consents, each listing the same `accountsPerApp` accounts, for
 * benchmarks and load tests. Deterministic for a given id and `now`; every ninth app is stopped,
 * every eleventh has no icon, every thirteenth was never accessed.
 */
export function generatedCustomer(id: string, apps: number, accountsPerApp: number, now: number = Date.now(), style: IdStyle = 'sandbox'): Consent[] {
  const accounts: AccountSpec[] = Array.from({ length: accountsPerApp }, (_, j) => ({
    key: `a${j}`,
    nickname: j < ACCOUNT_NAMES.length ? ACCOUNT_NAMES[j]! : `${ACCOUNT_NAMES[j % ACCOUNT_NAMES.length]} ${Math.floor(j / ACCOUNT_NAMES.length) + 1}`,
  }));
  return Array.from({ length: apps }, (_, i) => {
    const connectedDaysAgo = 30 + ((i * 37) % 900) + 0.3;
    const revoked = i % 9 === 8;
    const revokedDaysAgo = revoked ? Math.min(connectedDaysAgo - 1, 5 + ((i * 11) % 200)) : undefined;
    const newest = revokedDaysAgo ?? 0;
    // Last access falls between connecting and stopping (or now), never outside that window.
    const window = Math.max(1, Math.floor(connectedDaysAgo - newest - 1));
    const lastAccessedDaysAgo = i % 13 === 5 ? null : newest + 0.05 + (((i * 29) % 400) % window);
    return buildConsent(id, {
      name: generatedName(i),
      logo: i % 11 === 10 ? null : LOGOS[i % LOGOS.length]!,
      connectedDaysAgo,
      lastAccessedDaysAgo,
      revokedDaysAgo,
      autoShare: i % 3 === 0,
      accounts: Object.fromEntries(accounts.map((a, j) => [a.key, (i + j) % 3 !== 2])),
    }, accounts, now, style);
  });
}

/** The full seed: every demo customer's consents, dated relative to `now`. */
export function seedCustomers(now: number, style: IdStyle = 'sandbox'): Map<string, Consent[]> {
  return new Map<string, Consent[]>([
    [DEMO_CUSTOMERS.alex, ALEX_APPS.map((app) => buildConsent(DEMO_CUSTOMERS.alex, app, ALEX_ACCOUNTS, now, style))],
    [DEMO_CUSTOMERS.sam, SAM_APPS.map((app) => buildConsent(DEMO_CUSTOMERS.sam, app, SAM_ACCOUNTS, now, style))],
    [DEMO_CUSTOMERS.new, []],
    [DEMO_CUSTOMERS.many50, generatedCustomer(DEMO_CUSTOMERS.many50, 50, 3, now, style)],
    [DEMO_CUSTOMERS.many200, generatedCustomer(DEMO_CUSTOMERS.many200, 200, 10, now, style)],
    [DEMO_CUSTOMERS.mallory, MALLORY_APPS.map((app) => buildConsent(DEMO_CUSTOMERS.mallory, app, MALLORY_ACCOUNTS, now, style))],
  ]);
}
