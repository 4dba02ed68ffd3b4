import { ConsentStopStatus } from './stop-status.js';

// Loaded on first use by <consent-manager>, and maybe by a second copy of the bundle on the same page.
if (!customElements.get('consent-stop-status')) customElements.define('consent-stop-status', ConsentStopStatus);

export { ConsentStopStatus };
