// `consent-manager/define` registers <consent-manager> and exports nothing; importing it twice is harmless.
import '@consent-manager/element/define';
import '@consent-manager/element/define';

window.entryResult = { registered: customElements.get('consent-manager') !== undefined };
