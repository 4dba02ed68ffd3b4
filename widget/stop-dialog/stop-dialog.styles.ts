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
  dialog[open],
  dialog > div {
    display: grid;
    gap: var(--_gap);
  }
  #text {
    gap: 0.5rem;
  }
  dialog ul {
    list-style: disc;
    padding-left: 1.5rem;
  }
  /* Cancel and confirm: the same size, weight and border, one outlined, one filled. */
  .danger {
    border-color: var(--_danger);
    color: var(--_on-danger);
    background: var(--_danger);
  }
  ::slotted(*) {
    margin: 0;
  }
`;
