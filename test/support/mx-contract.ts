/**
 * The contract test of the MX sandbox: every answer it sends while the tests run is checked against a JSON Schema
 * written from MX's description (mx-api.schema.json), so a sandbox that drifts from MX fails `npm test`. Plugged in
 * through the sandbox's `checkAnswer` option by every test helper that starts a sandbox (`startSandbox` here, the
 * demo's, the stacks'): a drifted answer becomes a 500 that names the drift, and the test that caused it fails.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { startSandbox as start, type AnswerCheck, type StartSandboxOptions, type StartedSandbox } from '@consent-manager/mx-sandbox';

type Schema = { definitions: Record<string, Record<string, unknown>> };

/** MX's description as written, with nothing of the sandbox in it. */
export const MX_SCHEMA = JSON.parse(readFileSync(new URL('./mx-api.schema.json', import.meta.url), 'utf8')) as Schema;

/**
 * Where the sandbox knowingly departs from MX's description, each named (and in the sandbox's README as its choice):
 * `last_accessed: null` for an app never used, where MX declares a plain string.
 */
export const SANDBOX_CHOICES = {
  lastAccessedNull: (schema: Schema) => {
    const consent = schema.definitions.consent as { properties: Record<string, unknown> };
    consent.properties.last_accessed = { anyOf: [{ $ref: '#/definitions/iso' }, { type: 'null' }] };
  },
};

/** MX's schema with the sandbox's named choices applied: what every sandbox answer must fit. */
export function sandboxSchema(): Schema {
  const schema = structuredClone(MX_SCHEMA);
  for (const apply of Object.values(SANDBOX_CHOICES)) apply(schema);
  return schema;
}

const ajv = new Ajv({ allErrors: true, strict: true });
const schema = sandboxSchema();
ajv.addSchema(schema, 'mx');
const validator = (name: string) => ajv.getSchema(`mx#/definitions/${name}`) as ValidateFunction;
const BY_ENDPOINT: Record<string, ValidateFunction> = {
  token: validator('token'),
  list: validator('consentList'),
  auto_share: validator('consent'),
  account: validator('consent'),
  revoke: validator('consent'),
};

const describe = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`).join('; ');

/**
 * The sandbox's `checkAnswer`: a 200 answer that does not fit MX's description is a drift. Error answers are the
 * sandbox's own shape (MX documents none), so they are not held to it.
 */
export const checkMxAnswer: AnswerCheck = ({ endpoint, status, body }) => {
  const validate = BY_ENDPOINT[endpoint];
  if (status !== 200 || !validate || validate(body)) return undefined;
  return `${endpoint}: ${describe(validate.errors)}`;
};

/** `startSandbox` with every answer held to MX's description: what the tests start. */
export const startSandbox = (opts: StartSandboxOptions): Promise<StartedSandbox> => start({ checkAnswer: checkMxAnswer, ...opts });
