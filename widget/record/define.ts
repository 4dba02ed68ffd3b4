import { ConsentRecord } from './record.js';

// Loaded by <consent-manager> once its list is on screen, and maybe by a second copy of the bundle on the same page.
if (!customElements.get('consent-record')) customElements.define('consent-record', ConsentRecord);

export { ConsentRecord };
