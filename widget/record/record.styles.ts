import { css } from 'lit';

export const recordStyles = css`
  :host {
    display: block;
  }
  section {
    display: grid;
    gap: var(--_gap);
    margin-top: calc(2 * var(--_gap));
  }
`;
