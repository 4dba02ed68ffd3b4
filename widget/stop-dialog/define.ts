import { ConsentStopDialog } from './stop-dialog.js';

// Loaded on first use by <consent-manager>, and maybe by a second copy of the bundle on the same page.
if (!customElements.get('consent-stop-dialog')) customElements.define('consent-stop-dialog', ConsentStopDialog);

export { ConsentStopDialog };
