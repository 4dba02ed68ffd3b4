// The playground page: lists what the widgets fire, newest first, so frontend teams see each event and its detail.
const EVENTS = ['consent-change', 'consent-stop', 'consent-error', 'consent-session-expired', 'consent-before-stop', 'consent-unrecognized'];
const log = document.getElementById('event-log');

const summary = (detail) => {
  if (!detail) return '';
  const parts = [];
  if (detail.consent) parts.push(detail.consent.application_name);
  if (detail.change) parts.push(JSON.stringify(detail.change));
  if (detail.code) parts.push(`${detail.code}: ${detail.message}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
};

for (const type of EVENTS) {
  document.addEventListener(type, (event) => {
    const state = event.target.closest('[data-state]')?.dataset.state ?? 'page';
    const item = document.createElement('li');
    item.textContent = `${new Date().toLocaleTimeString()} ${state}: ${type}${summary(event.detail)}`;
    log?.prepend(item);
  });
}
