// Bundler users: the package's main entry registers <consent-manager> and exports its class.
import { ConsentManager } from '@consent-manager/element';

window.entryResult = { registered: customElements.get('consent-manager') === ConsentManager };
