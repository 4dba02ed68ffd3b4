#!/usr/bin/env node
// `npx consent-manager-bff`: the standalone BFF (MX_BASE_URL, MX_CLIENT_ID, MX_CLIENT_SECRET, SESSION_SECRET, ...).
import '../dist/main.js';
