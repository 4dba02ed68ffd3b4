// The bank's page reacting to the widget and configuring it. It lives in a file because the demo runs
// under a strict CSP (no inline script).
const widget = document.querySelector('consent-manager');
const spanish = document.documentElement.lang === 'es';

// An expired session sends the customer back to the login.
document.addEventListener('consent-session-expired', () => {
  window.location.assign('/login?expired=1');
});

// What the bank says about each app it lets read its customers' data. Summitvest has no entry, to show
// that the widget then says the bank has no list and points to the bank.
const app = (en, es, data) => ({ description: spanish ? es : en, data, via: 'MX' });
const links = (host) => ({ privacy: `https://${host}/privacy`, deletion: `https://${host}/privacy/delete-my-data` });
const DIRECTORY = {
  Fernpay: {
    ...app('Send and request money between friends.', 'Envía y pide dinero entre amigos.', ['ACCOUNT_BASIC', 'ACCOUNT_PAYMENTS', 'TRANSACTIONS']),
    ...links('fernpay.example'),
  },
  'Tallyhive Bill Split': {
    ...app('Splits shared bills and tracks who paid.', 'Divide gastos compartidos y registra quién pagó.', ['ACCOUNT_BASIC', 'TRANSACTIONS']),
    ...links('tallyhive.example'),
  },
  'Harborline Lending': {
    ...app('Personal loans; reads your accounts to check your income.', 'Préstamos personales; lee tus cuentas para comprobar tus ingresos.',
      ['ACCOUNT_DETAILED', 'TRANSACTIONS', 'STATEMENTS', 'CUSTOMER_CONTACT', 'CUSTOMER_PERSONAL']),
    ...links('harborline.example'),
  },
  'Nestward Rent Reporting': {
    ...app('Reports your rent payments to credit bureaus.', 'Informa de tus pagos de alquiler a las agencias de crédito.', ['TRANSACTIONS', 'CUSTOMER_CONTACT']),
    ...links('nestward.example'),
  },
  'Ledgerleaf Budget': {
    ...app('Budgets and spending insights.', 'Presupuestos y análisis de gastos.', ['ACCOUNT_BASIC', 'ACCOUNT_DETAILED', 'TRANSACTIONS']),
    ...links('ledgerleaf.example'),
  },
  'Quillfile Tax': {
    ...app('Prepares your tax return from your statements.', 'Prepara tu declaración de impuestos a partir de tus estados de cuenta.',
      ['STATEMENTS', 'TRANSACTIONS', 'CUSTOMER_PERSONAL']),
    ...links('quillfile.example'),
  },
  'Brightpath Credit Monitor': {
    ...app('Credit score monitoring.', 'Seguimiento de tu puntuación de crédito.', ['ACCOUNT_DETAILED', 'CUSTOMER_CONTACT']),
    ...links('brightpath.example'),
  },
};

if (widget) {
  widget.directory = DIRECTORY;
  widget.setAttribute('fraud-href', spanish ? '/static/report-fraud.es.html' : '/static/report-fraud.html');

  // The undo window after "Stop sharing" is the bank's choice: the demo offers it as a switch (`?undo=10`).
  const here = new window.URL(window.location.href);
  const undo = here.searchParams.get('undo');
  if (undo) widget.setAttribute('undo-seconds', undo);
  const controls = document.querySelector('.demo-controls');
  if (controls) {
    controls.append(spanish ? ' Plazo para deshacer: ' : ' Undo window: ');
    for (const [label, value] of [[spanish ? 'sin plazo' : 'off', null], ['10 s', '10']]) {
      if (value === null) here.searchParams.delete('undo');
      else here.searchParams.set('undo', value);
      const current = (undo || null) === value;
      const item = document.createElement(current ? 'strong' : 'a');
      item.textContent = label;
      if (current) item.setAttribute('aria-current', 'true');
      else item.href = here.pathname + here.search;
      controls.append(item, value === null ? ' · ' : '.');
    }
  }
}
