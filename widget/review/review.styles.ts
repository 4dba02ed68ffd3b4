import { css } from 'lit';

export const reviewStyles = css`
  :host {
    display: block;
  }
  section {
    display: grid;
    gap: var(--_gap);
  }
`;
