// The playground (`/playground`): every state of <consent-manager> side by side, for frontend teams to try and
// for screenshots. Demo-only fixtures: each specimen's `bff` is a mount of its own under /playground/bff/, either
// the real consent router answering as a fixed sandbox customer (no login: the customer is chosen by the mount,
// through the router's `getCustomerId` option), or a canned BFF that never answers, fails or reports an ended
// session. Mounted only with the embedded sandbox, never in front of a real MX. Nothing here reaches widget/.
import type { Express, RequestHandler } from 'express';
import { createConsentRouter, sendError, type ConsentRouter, type ConsentRouterOptions } from '@consent-manager/bff';
import { DEMO_CUSTOMERS } from '@consent-manager/mx-sandbox';
import { escapeHtml, layout } from './pages.js';

export const PLAYGROUND_PATH = '/playground';
const BFF = `${PLAYGROUND_PATH}/bff`;

/** Sandbox customers a specimen may show: mount name → `openid_connect_user_id`. */
const CUSTOMERS: Record<string, string> = { alex: DEMO_CUSTOMERS.alex, new: DEMO_CUSTOMERS.new, many50: DEMO_CUSTOMERS.many50 };

/** The longest the "loading" BFF holds a request (the widget gives up on an attempt after 20 s anyway). */
const HOLD_MS = 25_000;

export interface Specimen {
  /** `data-state` of the specimen, also its anchor (`#state-<id>`). */
  id: string;
  title: string;
  note: string;
  /** The mount under /playground/bff/ its widget talks to. */
  bff: string;
  attributes?: Record<string, string>;
  lang?: string;
  /** A fixed width in CSS pixels (the reflow check). */
  width?: number;
}

export const SPECIMENS: Specimen[] = [
  { id: 'loading', title: 'Loading', bff: 'loading', note: 'A BFF that does not answer: the skeleton stays until the widget\'s own timeouts end it.' },
  { id: 'empty', title: 'No apps connected', bff: 'new', note: 'Customer `new`: the empty state (the `empty` slot replaces its text).' },
  { id: 'error', title: 'Error, with retry', bff: 'error', note: 'A BFF answering 502: three attempts, then the error and a retry button.' },
  { id: 'expired', title: 'Session ended', bff: 'expired', note: 'A BFF answering 401: the widget fires `consent-session-expired` for the page.' },
  { id: 'many', title: 'Many apps', bff: 'many50', note: 'Customer `many50`: fifty apps.' },
  { id: 'spanish', title: 'Spanish', bff: 'alex', lang: 'es', note: 'Customer `alex` inside `lang="es"`: words, dates and times follow the page.' },
  { id: 'dark', title: 'Dark theme', bff: 'alex', attributes: { theme: 'dark' }, note: 'Customer `alex` with `theme="dark"`.' },
  {
    id: 'read-only', title: 'Read-only policy, step-up before a stop', bff: 'policy',
    attributes: { 'account-policy': 'read-only', 'auto-share-policy': 'read-only' },
    note: '`account-policy` and `auto-share-policy` set to `read-only`: states in words, only "Stop sharing" acts. '
      + 'Its BFF enforces the same policy, and its `beforeStop` hook asks for a step-up the playground never does: '
      + 'a stop answers `401 step_up_required`, which the widget reports without ending the session.',
  },
  { id: 'narrow', title: '320 px wide', bff: 'alex', width: 320, note: 'Customer `alex` in a 320 px column: the layout reflows, nothing scrolls sideways.' },
];

export interface Playground {
  mount(app: Express): void;
  close(): Promise<void>;
}

/** The router behind the sandbox-backed specimens: proxy mode only, the customer named by the mount. */
export function createPlayground(opts: Pick<ConsentRouterOptions, 'upstream' | 'allowedOrigins' | 'logger'>): Playground {
  const router: ConsentRouter = createConsentRouter({
    ...opts,
    mode: 'proxy',
    getCustomerId: (req) => CUSTOMERS[req.baseUrl.slice(BFF.length + 1)],
  });
  // The bank's rules on the BFF: the read-only policy, and a step-up before every stop that never comes.
  const strict: ConsentRouter = createConsentRouter({
    ...opts,
    mode: 'proxy',
    getCustomerId: () => CUSTOMERS.alex,
    policy: { accounts: 'read-only', autoShare: 'read-only' },
    beforeStop: () => false,
  });
  const pending = new Set<() => void>();

  const neverAnswers: RequestHandler = (_req, res) => {
    const timer = setTimeout(() => sendError(res, 504, 'upstream_timeout', 'The consent service did not answer in time.'), HOLD_MS);
    const done = () => {
      clearTimeout(timer);
      pending.delete(done);
    };
    pending.add(done);
    res.on('close', done);
  };

  return {
    mount(app) {
      app.use(Object.keys(CUSTOMERS).map((name) => `${BFF}/${name}`), router);
      app.use(`${BFF}/policy`, strict);
      app.use(`${BFF}/loading`, neverAnswers);
      app.use(`${BFF}/error`, (_req, res) => sendError(res, 502, 'upstream_unavailable', 'The consent service is unavailable.'));
      app.use(`${BFF}/expired`, (_req, res) => sendError(res, 401, 'not_logged_in', 'Log in to manage connected apps.'));
      app.get(PLAYGROUND_PATH, (_req, res) => {
        res.set('Cache-Control', 'no-store').type('html').send(playgroundPage(SPECIMENS));
      });
    },
    async close() {
      for (const done of pending) done();
      await router.close();
      await strict.close();
    },
  };
}

const code = (s: string) => escapeHtml(s).replace(/`([^`]+)`/g, '<code>$1</code>');

function specimen(s: Specimen): string {
  const attrs = Object.entries({ bff: `${BFF}/${s.bff}`, ...s.attributes })
    .map(([k, v]) => ` ${k}="${escapeHtml(v)}"`).join('');
  const widthClass = s.width ? ` specimen-w${s.width}` : '';
  return `<section class="specimen" id="state-${s.id}" data-state="${s.id}" aria-labelledby="h-${s.id}">
<h2 id="h-${s.id}">${escapeHtml(s.title)}</h2>
<p class="specimen-note">${code(s.note)}</p>
<div class="specimen-frame${widthClass}" tabindex="0" role="region" aria-label="${escapeHtml(s.title)}"${s.lang ? ` lang="${s.lang}"` : ''}>
<consent-manager${attrs}></consent-manager>
</div>
</section>`;
}

export function playgroundPage(specimens: Specimen[]): string {
  return layout('en', 'Playground · consent-manager', `<main class="playground">
<h1>&lt;consent-manager&gt; playground</h1>
<p>Every state of the widget side by side. Each one talks to a BFF mount of its own; the ones backed by the
MX sandbox (customers <code>alex</code>, <code>new</code>, <code>many50</code>) work for real, without logging in:
changes you make here show up for those customers in the <a href="/login">demo bank</a> too.
Events the widgets fire are listed at the end.</p>
<nav aria-label="States"><ul class="specimen-index">
${specimens.map((s) => `<li><a href="#state-${s.id}">${escapeHtml(s.title)}</a></li>`).join('\n')}
</ul></nav>
<div class="specimens">
${specimens.map(specimen).join('\n')}
</div>
<section class="event-log" aria-labelledby="h-events">
<h2 id="h-events">Events</h2>
<ol id="event-log"></ol>
</section>
</main>
<script type="module" src="/assets/consent-manager.js"></script>
<script type="module" src="/static/playground.js"></script>`, ['/static/playground.css']);
}
