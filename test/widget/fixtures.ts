import type { Directory } from '../../widget/app-card.js';

/** A bank's directory for alex's apps as issue 14's tests need it: lists, links, one app without an entry. */
export const DIRECTORY: Directory = {
  Fernpay: {
    description: 'Sends money to friends.',
    data: ['ACCOUNT_BASIC', 'ACCOUNT_PAYMENTS', 'TRANSACTIONS'],
    deletion: '/bank/apps/fernpay/delete',
  },
  'Harborline Lending': { data: ['ACCOUNT_DETAILED', 'TRANSACTIONS', 'STATEMENTS'] },
  'Brightpath Credit Monitor': { data: ['ACCOUNT_DETAILED', 'CUSTOMER_CONTACT'] },
};

export const FERNPAY_SEES = [
  'Account name, type and number (masked)',
  'Full account and routing numbers, which can be used to move money',
  'Transactions: amounts, dates, descriptions, and who you paid and who paid you',
];
