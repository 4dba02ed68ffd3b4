import { css } from 'lit';

export const statusStyles = css`
  :host {
    display: contents;
  }
  .undo {
    position: sticky;
    top: 0;
    z-index: 1;
    display: grid;
    gap: 0.5rem;
    margin-bottom: var(--_gap);
  }
  .undo:empty {
    display: none;
  }
  progress {
    width: 100%;
  }
  @media print {
    .undo {
      display: none !important;
    }
  }
`;
