import { css } from 'lit';

export const statusStyles = css`
  :host {
    display: contents;
  }
  /* Not sticky: a bar stuck over the page would cover the control that has focus (WCAG 2.4.11). */
  .undo {
    display: grid;
    gap: 0.5rem;
    margin-top: var(--_gap);
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
