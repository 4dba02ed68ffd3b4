// Preact: the same props as React 19.
import type {} from '@consent-manager/element/preact';

export const Dashboard = () => (
  <consent-manager
    bff="/consent"
    mode="direct"
    account-policy="editable"
    class="bank-consents"
    onconsent-stop={(e) => console.log(e.detail.consent.application_name)}
    onconsent-session-expired={() => location.assign('/login')}
  />
);

// @ts-expect-error -- not a policy
export const WrongPolicy = () => <consent-manager auto-share-policy="maybe" />;
