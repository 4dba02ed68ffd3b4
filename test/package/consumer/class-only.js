// The class alone registers nothing: a page may pick its own tag name (or a scoped registry).
import { ConsentManager } from '@consent-manager/element/class';

const registeredBefore = customElements.get('consent-manager') !== undefined;
customElements.define('bank-consents', class extends ConsentManager {});
window.entryResult = { registeredBefore, ownTag: customElements.get('bank-consents') !== undefined };
