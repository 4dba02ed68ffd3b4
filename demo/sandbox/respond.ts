/**
 * The one way the sandbox answers JSON, so that the `malformed` and `apply_then_drop` faults can
 * corrupt or swallow any answer after the handler did its work.
 */
import type { Response } from 'express';

export type AnswerMode = 'normal' | 'malformed' | 'drop';

export function setAnswerMode(res: Response, mode: AnswerMode): void {
  res.locals.answerMode = mode;
}

export function sendJson(res: Response, status: number, body: unknown): void {
  const mode = (res.locals.answerMode as AnswerMode | undefined) ?? 'normal';
  if (mode === 'drop') {
    res.socket?.destroy();
    return;
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
