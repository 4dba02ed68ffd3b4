/**
 * The one way the sandbox answers JSON, so that the `malformed` and `apply_then_drop` faults can
 * corrupt or swallow any answer after the handler did its work.
 */
import type { Response } from 'express';

/** `record`: the consent of a list to change (a write's answer is that one consent); `change`: what it loses. */
export type RecordChange = { record: number; change: 'account_id' | 'id' | 'sparse' };

export type AnswerMode = 'normal' | 'malformed' | 'drop' | RecordChange;

/** What the `checkAnswer` option is given: every answer of the API, before it is sent. */
export interface SandboxAnswer {
  /** `token`, `list`, `auto_share`, `account` or `revoke`. */
  endpoint: string;
  status: number;
  body: unknown;
}

/** Returns why an answer drifted from MX's description, or undefined. */
export type AnswerCheck = (answer: SandboxAnswer) => string | undefined;

export function setAnswerMode(res: Response, mode: AnswerMode): void {
  res.locals.answerMode = mode;
}

/** Set by the API's routes: answers of `endpoint` go through `check` (the `checkAnswer` option) before they are sent. */
export function checkAnswers(res: Response, endpoint: string, check: AnswerCheck | undefined): void {
  res.locals.endpoint = endpoint;
  res.locals.check = check;
}

/**
 * Consents MX's description allows (it requires no field): one no client can act on, without its `id` (`id`) or with
 * an account without its `account_id` (`account_id`); or one with every optional field left out but its `id` and
 * `accounts` (`sparse`). In a list, the one at `index`; a write's answer is that one consent.
 */
function spoil(body: unknown, { record: index, change: field }: RecordChange): unknown {
  const spoilOne = (c: Record<string, unknown>) => {
    if (field === 'sparse') return { id: c.id, accounts: c.accounts };
    if (field === 'id') {
      const { id: _id, ...rest } = c;
      return rest;
    }
    const [first, ...others] = (c.accounts as Record<string, unknown>[] | undefined) ?? [];
    if (!first) return c;
    const { account_id: _gone, ...account } = first;
    return { ...c, accounts: [account, ...others] };
  };
  if (Array.isArray(body)) return body.map((c: Record<string, unknown>, i) => (i === index ? spoilOne(c) : c));
  return body && typeof body === 'object' ? spoilOne(body as Record<string, unknown>) : body;
}

export function sendJson(res: Response, status: number, body: unknown): void {
  const mode = (res.locals.answerMode as AnswerMode | undefined) ?? 'normal';
  if (mode === 'drop') {
    res.socket?.destroy();
    return;
  }
  if (typeof mode === 'object' && status === 200) body = spoil(body, mode);
  const check = res.locals.check as AnswerCheck | undefined;
  // A cut-off body is a fault on purpose; every other answer is held to MX's description.
  const drift = mode !== 'malformed' && check?.({ endpoint: String(res.locals.endpoint), status, body });
  if (drift) {
    console.error(`mx-sandbox: answer drifted from MX's description: ${drift}`);
    status = 500;
    body = { error: { status, message: `sandbox answer drifted from MX's description: ${drift}` } };
  }
  let text = JSON.stringify(body);
  if (mode === 'malformed') {
    // A cut-off body: valid JSON prefix, invalid document, under a status that promises success.
    text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    status = 200;
  }
  res.status(status).type('application/json').send(text);
}

/** Error bodies are the sandbox's own shape: MX documents none. */
export function sendError(res: Response, status: number, message: string): void {
  sendJson(res, status, { error: { status, message } });
}
