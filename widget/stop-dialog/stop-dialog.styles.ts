import { css } from 'lit';

export const dialogStyles = css`
  :host {
    --_danger: var(--consent-color-danger, light-dark(#b3261e, #ff8a80));
    --_on-danger: var(--consent-color-on-danger, light-dark(#fff, #2b0b0b));
    display: contents;
  }
  dialog {
    max-width: min(32rem, calc(100vw - 2rem));
    padding: calc(1.5 * var(--_gap));
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    color: var(--_text);
    background: var(--_bg);
    font: 1rem/1.5 var(--consent-font, system-ui, sans-serif);
  }
  dialog > div {
    display: grid;
    gap: var(--_gap);
  }
  dialog ul {
    list-style: disc;
    padding-left: 1.5rem;
  }
  .danger {
    border-color: var(--_danger);
    color: var(--_on-danger);
    background: var(--_danger);
  }
`;
