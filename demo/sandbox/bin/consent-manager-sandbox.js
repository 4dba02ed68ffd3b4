#!/usr/bin/env node
// `npx consent-manager-sandbox`: the MX sandbox on its own (SANDBOX_PORT, SANDBOX_CLIENT_ID, ... as `npm run sandbox`).
import '../dist/main.js';
