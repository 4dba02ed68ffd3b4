import { ConsentAway } from './away.js';
import { ConsentRecord, receiptFor } from './record.js';

// Loaded by <consent-manager> once its list is on screen, and maybe by a second copy of the bundle on the same page.
if (!customElements.get('consent-record')) customElements.define('consent-record', ConsentRecord);
if (!customElements.get('consent-away')) customElements.define('consent-away', ConsentAway);

export { ConsentAway, ConsentRecord, receiptFor };
