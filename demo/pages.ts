// The demo bank's HTML. No inline script or style anywhere, so the page runs under the strict CSP
// that helmet sets (script-src 'self'; style-src 'self').

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** The demo bank's own words, in the languages the widget ships (US English and US Spanish, tú register). */
const WORDS = {
  en: {
    loginTitle: 'Log in · Northwind Bank',
    login: 'Log in to online banking',
    badLogin: 'That username and password do not match. Every demo user\'s password is <code>demo</code>.',
    expired: 'Your session ended. Please log in again.',
    username: 'Username',
    password: 'Password',
    submit: 'Log in',
    users: 'Demo users',
    passwordIs: 'password',
    playground: 'Or see every state of the widget in the <a href="/playground">playground</a>, no login needed.',
    title: 'Connected apps · Northwind Bank',
    nav: 'Online banking',
    accounts: 'Accounts',
    apps: 'Connected apps',
    logout: 'Log out',
    mode: 'Widget mode',
    language: 'Language',
    sideBySide: 'Every state side by side',
    help: 'Questions about sharing your data? Call us at <a href="tel:+18005550100">1-800-555-0100</a> (24 hours) or <a href="/static/help.html">chat with us</a>.',
  },
  es: {
    loginTitle: 'Iniciar sesión · Northwind Bank',
    login: 'Inicia sesión en la banca en línea',
    badLogin: 'El usuario y la contraseña no coinciden. La contraseña de todos los usuarios de prueba es <code>demo</code>.',
    expired: 'Tu sesión terminó. Vuelve a iniciar sesión.',
    username: 'Usuario',
    password: 'Contraseña',
    submit: 'Iniciar sesión',
    users: 'Usuarios de prueba',
    passwordIs: 'contraseña',
    playground: 'O mira todos los estados del componente en el <a href="/playground">área de pruebas</a>, sin iniciar sesión.',
    title: 'Aplicaciones conectadas · Northwind Bank',
    nav: 'Banca en línea',
    accounts: 'Cuentas',
    apps: 'Aplicaciones conectadas',
    logout: 'Cerrar sesión de',
    mode: 'Modo del componente',
    language: 'Idioma',
    sideBySide: 'Todos los estados lado a lado',
    help: '¿Tienes preguntas sobre cómo compartes tus datos? Llámanos al <a href="tel:+18005550100">1-800-555-0100</a> (24 horas) o <a href="/static/help.es.html">chatea con nosotros</a>.',
  },
} as const;

export type DemoLang = keyof typeof WORDS;

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

export function loginPage(users: string[], state: { error?: boolean; expired?: boolean }, playground = false, lang: DemoLang = 'en'): string {
  const w = WORDS[lang];
  const notice = state.error
    ? `<p class="notice notice-error" role="alert">${w.badLogin}</p>`
    : state.expired
      ? `<p class="notice" role="status">${w.expired}</p>`
      : '';
  const other = lang === 'en' ? '<a href="/login?lang=es" hreflang="es" lang="es">Español</a>' : '<a href="/login" hreflang="en" lang="en">English</a>';
  return layout(lang, w.loginTitle, `<main class="login">
<h1>${w.login}</h1>
${notice}
<form method="post" action="/demo/login${lang === 'es' ? '?lang=es' : ''}">
<label for="username">${w.username}</label>
<input id="username" name="username" autocomplete="username" required>
<label for="password">${w.password}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">${w.submit}</button>
</form>
<p class="hint">${w.users}: ${users.map((u) => `<code>${escapeHtml(u)}</code>`).join(', ')}; ${w.passwordIs} <code>demo</code>.</p>
${playground ? `<p class="hint">${w.playground}</p>\n` : ''}<p class="hint">${other}</p>
</main>`);
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
  const w = WORDS[o.lang];
  const link = (mode: string, lang: string) => `/?mode=${mode}&amp;lang=${lang}`;
  const modeLinks = o.modes.map((m) => m === o.mode
    ? `<strong aria-current="true">${m}</strong>`
    : `<a href="${link(m, o.lang)}">${m}</a>`).join(' · ');
  const langLinks = (['en', 'es'] as const).map((l) => l === o.lang
    ? `<strong aria-current="true" lang="${l}">${l === 'en' ? 'English' : 'Español'}</strong>`
    : `<a href="${link(o.mode, l)}" hreflang="${l}" lang="${l}">${l === 'en' ? 'English' : 'Español'}</a>`).join(' · ');
  return layout(o.lang, w.title, `<nav class="bank-nav" aria-label="${w.nav}">
<a href="/">${w.accounts}</a><a href="/" aria-current="page">${w.apps}</a>
<form method="post" action="/demo/logout"><button type="submit">${w.logout} ${escapeHtml(o.username)}</button></form>
</nav>
<main class="bank-main">
<h1>${w.apps}</h1>
<p class="demo-controls">${w.mode}: ${modeLinks}. ${w.language}: ${langLinks}.${o.playground ? ` ${w.sideBySide}: <a href="/playground">${o.lang === 'es' ? 'área de pruebas' : 'playground'}</a>.` : ''}</p>
<consent-manager bff="${escapeHtml(o.mountPath)}" mode="${o.mode}"><p slot="help">${w.help}</p></consent-manager>
</main>
<script type="module" src="/assets/consent-manager.js"></script>
<script type="module" src="/static/demo.js"></script>`);
}
