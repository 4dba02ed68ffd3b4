/**
 * The URL to load or link to, or null to leave it out (a logo falls back to initials, a link is not shown).
 * Only `https:` anywhere, or plain `http:` on the page's own origin (development): `javascript:`, `data:`,
 * `blob:` and foreign cleartext URLs never load, so an upstream record or a bank's misconfigured directory
 * cannot run script, embed arbitrary content, or leak the customer's visit over http.
 */
export function safeUrl(raw: string | null | undefined, base = document.baseURI): string | null {
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return null;
  }
  const ok = url.protocol == 'https:' || (url.protocol == 'http:' && url.origin == location.origin);
  return ok ? url.href : null;
}
