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
  .changes {
    display: grid;
    gap: 0.5rem;
  }
  .changes li span {
    display: block;
  }
`;

export const awayStyles = css`
  :host {
    display: block;
  }
  .away {
    margin-bottom: var(--_gap);
    border-inline-start: 4px solid var(--_accent);
  }
  .away .btn {
    justify-self: start;
  }
`;
