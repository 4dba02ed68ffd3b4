// React 19: `<consent-manager>` attributes, the strings property and `onconsent-*` event props are typed.
import type {} from '@consent-manager/element/react';
import type { ConsentChangeDetail } from '@consent-manager/element';

export const Dashboard = () => (
  <consent-manager
    bff="/consent"
    mode="proxy"
    account-policy="read-only"
    auto-share-policy="hidden"
    theme="dark"
    className="bank-consents"
    strings={{ retry: 'Again' }}
    onconsent-change={(e) => {
      const detail: ConsentChangeDetail = e.detail;
      console.log(detail.change.kind);
    }}
    onconsent-before-stop={(e) => {
      e.preventDefault();
      e.detail.resume();
    }}
  />
);

// @ts-expect-error -- not a mode
export const WrongMode = () => <consent-manager mode="sideways" />;
// @ts-expect-error -- consent-error's detail has no consent
export const WrongDetail = () => <consent-manager onconsent-error={(e) => e.detail.consent} />;
