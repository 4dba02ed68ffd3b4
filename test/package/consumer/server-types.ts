// A bank's TypeScript Express app: the router's options are typed.
import express from 'express';
import { createConsentRouter, type ConsentRouterOptions } from '@consent-manager/bff';

const options: ConsentRouterOptions = {
  upstream: {
    baseUrl: 'https://access.bank.example',
    version: 'v4',
    clientId: 'id',
    clientSecret: 'secret',
    timeouts: { connectMs: 2000, headersMs: 5000, bodyMs: 5000 },
  },
  getCustomerId: (req) => req.get('x-customer'),
  mode: 'proxy',
};
const app = express();
app.use('/consent', createConsentRouter(options));
// @ts-expect-error -- not a mode
export const wrong: ConsentRouterOptions = { ...options, mode: 'sometimes' };
