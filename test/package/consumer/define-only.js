// `consent-manager/define` registers <consent-manager> and exports nothing; importing it twice is harmless.
import 'consent-manager/define';
import 'consent-manager/define';

window.entryResult = { registered: customElements.get('consent-manager') !== undefined };
