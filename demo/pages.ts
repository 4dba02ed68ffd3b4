// The demo bank's HTML. No inline script or style anywhere, so the page runs under the strict CSP
// that helmet sets (script-src 'self'; style-src 'self').

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export function layout(lang: string, title: string, body: string, stylesheets: string[] = []): string {
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/static/bank.css">
${stylesheets.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">\n`).join('')}<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
<header class="bank-header"><span class="bank-logo" aria-hidden="true">◆</span> Northwind Bank</header>
${body}
</body>
</html>`;
}

export function loginPage(users: string[], state: { error?: boolean; expired?: boolean }, playground = false): string {
  const notice = state.error
    ? '<p class="notice notice-error" role="alert">That username and password do not match. Every demo user\'s password is <code>demo</code>.</p>'
    : state.expired
      ? '<p class="notice" role="status">Your session ended. Please log in again.</p>'
      : '';
  return layout('en', 'Log in · Northwind Bank', `<main class="login">
<h1>Log in to online banking</h1>
${notice}
<form method="post" action="/demo/login">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Log in</button>
</form>
<p class="hint">Demo users: ${users.map((u) => `<code>${escapeHtml(u)}</code>`).join(', ')}; password <code>demo</code>.</p>
${playground ? '<p class="hint">Or see every state of the widget in the <a href="/playground">playground</a>, no login needed.</p>\n' : ''}</main>`);
}

export interface BankPageOptions {
  username: string;
  mode: 'direct' | 'proxy';
  modes: Array<'direct' | 'proxy'>;
  lang: 'en' | 'es';
  mountPath: string;
  /** Link the playground (every state of the widget side by side). */
  playground?: boolean;
}

export function bankPage(o: BankPageOptions): string {
  const link = (mode: string, lang: string) => `/?mode=${mode}&amp;lang=${lang}`;
  const modeLinks = o.modes.map((m) => m === o.mode
    ? `<strong aria-current="true">${m}</strong>`
    : `<a href="${link(m, o.lang)}">${m}</a>`).join(' · ');
  const langLinks = (['en', 'es'] as const).map((l) => l === o.lang
    ? `<strong aria-current="true">${l === 'en' ? 'English' : 'Español'}</strong>`
    : `<a href="${link(o.mode, l)}" hreflang="${l}">${l === 'en' ? 'English' : 'Español'}</a>`).join(' · ');
  return layout(o.lang, 'Connected apps · Northwind Bank', `<nav class="bank-nav" aria-label="Online banking">
<a href="/">Accounts</a><a href="/" aria-current="page">Connected apps</a>
<form method="post" action="/demo/logout"><button type="submit">Log out ${escapeHtml(o.username)}</button></form>
</nav>
<main class="bank-main">
<h1>${o.lang === 'es' ? 'Aplicaciones conectadas' : 'Connected apps'}</h1>
<p class="demo-controls">Widget mode: ${modeLinks}. Language: ${langLinks}.${o.playground ? ' Every state side by side: <a href="/playground">playground</a>.' : ''}</p>
<consent-manager bff="${escapeHtml(o.mountPath)}" mode="${o.mode}"></consent-manager>
</main>
<script type="module" src="/assets/consent-manager.js"></script>
<script type="module" src="/static/demo.js"></script>`);
}
