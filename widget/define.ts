import { ConsentManager } from './consent-manager.js';

// A page may load the bundle twice (two scripts, a micro-frontend each); the second registration would throw.
if (!customElements.get('consent-manager')) customElements.define('consent-manager', ConsentManager);
