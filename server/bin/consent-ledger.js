#!/usr/bin/env node
// `npx consent-ledger`: export, look up, prune and migrate the consent ledger (DATABASE_URL or LEDGER_DIR).
import '../dist/ledger-main.js';
