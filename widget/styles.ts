import { css } from 'lit';

/**
 * What the element and its parts (the stop dialog, the review, the record) have in common: resets, text, buttons,
 * panels. The parts read the element's private `--_*` locals, which they inherit from it.
 */
export const controls = css`
  * {
    box-sizing: border-box;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  h2,
  h3,
  h4,
  p,
  dl,
  dd {
    margin: 0;
  }
  h2,
  h3 {
    font-size: 1.125rem;
  }
  h4,
  dt,
  .muted {
    color: var(--_muted);
    font-size: 0.875rem;
    font-weight: 400;
  }
  .grow {
    flex: 1 1 10rem;
    min-width: 0;
  }
  button {
    font: inherit;
    cursor: pointer;
    min-height: 1.5rem;
  }
  :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  [aria-disabled='true'] {
    cursor: not-allowed;
  }
  [aria-busy='true'] {
    cursor: progress;
    opacity: 0.6;
  }
  .btn {
    justify-self: start;
    min-height: 2.75rem;
    min-width: 6rem;
    padding: 0.5rem 1rem;
    border: 2px solid var(--_text);
    border-radius: var(--_radius);
    color: var(--_text);
    background: var(--_bg);
    font-weight: 600;
  }
  .bar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_gap);
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      animation: none !important;
      transition: none !important;
    }
  }
  /* Panels, and the shell's app cards. */
  .notice,
  .app {
    display: grid;
    gap: var(--_gap);
    padding: var(--_gap);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    overflow-wrap: anywhere;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
    padding-block: 0.5rem;
    border-top: 1px solid color-mix(in srgb, var(--_border) 40%, transparent);
  }
  /*
   * The state in words and the switch stay together at the end of the line: beside the account's name down to a
   * 360 px phone, in Spanish too, and on a line of their own when the name would get less than 6.5rem or than its
   * longest word (our words are not cut; an upstream nickname may be, so that it never pushes the row wider).
   */
  .row > .grow {
    flex-basis: 6.5rem;
    min-width: auto;
    overflow-wrap: break-word;
  }
  .name {
    overflow-wrap: anywhere;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_gap);
  }
  .actions .btn {
    flex: 1 1 8rem;
  }
  a {
    color: var(--_accent);
  }
  .dots {
    list-style: disc;
    padding-left: 1.5rem;
  }
  /* Printed: the list and the record, in words; no control. */
  @media print {
    button {
      display: none !important;
    }
  }
`;

/**
 * The element's own styles, after `controls`; the parts it loads on demand bring their own.
 * Public tokens are `--consent-*` (documented on ConsentManager); everything below reads them once into
 * private `--_*` locals with defaults for light and dark. `light-dark()` follows the used `color-scheme`,
 * which is the OS preference unless the page or the `theme` attribute forces one.
 */
export const shell = css`
  :host {
    color-scheme: light dark;
    --_text: var(--consent-color-text, light-dark(#1b1f24, #e8eaed));
    --_muted: var(--consent-color-muted, light-dark(#545d68, #a9b1bb));
    --_bg: var(--consent-color-bg, light-dark(#fff, #15181d));
    --_surface: var(--consent-color-surface, light-dark(#f6f7f9, #1e232a));
    --_border: var(--consent-color-border, light-dark(#747d89, #7d8792));
    --_accent: var(--consent-color-accent, light-dark(#0b5cad, #7ab7ff));
    --_on-accent: var(--consent-color-on-accent, light-dark(#fff, #0b1a2b));
    --_ok: var(--consent-color-success, light-dark(#1a7f37, #6fdc8c));
    --_err: var(--consent-color-danger, light-dark(#b3261e, #ff8a80));
    --_radius: var(--consent-radius, 0.5rem);
    --_gap: var(--consent-spacing, 1rem);
    display: block;
    color: var(--_text);
    background: var(--_bg);
    font: 1rem/1.5 var(--consent-font, system-ui, sans-serif);
  }
  :host([theme='light']) {
    color-scheme: light;
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
  :host([hidden]) {
    display: none;
  }
  .apps {
    display: grid;
    gap: var(--_gap);
  }
  .app {
    padding: var(--_gap);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    overflow-wrap: anywhere;
  }
  .history {
    display: grid;
    gap: var(--_gap);
    margin-top: calc(2 * var(--_gap));
  }
  .head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem var(--_gap);
  }
  .ctl {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    margin-left: auto;
  }
  .logo {
    width: 2.5rem;
    height: 2.5rem;
    border-radius: var(--_radius);
    display: grid;
    place-items: center;
    object-fit: contain;
    background: var(--_bg);
    font-weight: 700;
  }
  .badge {
    padding: 0 0.5rem;
    border: 1px solid;
    border-radius: 1rem;
    font-size: 0.875rem;
    color: var(--_ok);
  }
  .badge.off {
    color: var(--_muted);
  }
  dl {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr));
    gap: 0.5rem var(--_gap);
  }
  .state {
    font-size: 0.875rem;
  }
  input[type='search'],
  select {
    font: inherit;
    min-height: 2.75rem;
    padding: 0 0.5rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    color: inherit;
    background: var(--_bg);
  }
  .tools label {
    display: grid;
  }
  .flag {
    font-weight: 600;
  }
  .link {
    min-width: 0;
    padding-inline: 0;
    border-color: transparent;
    background: none;
    font-weight: 400;
    text-decoration: underline;
  }
  [role='switch'] {
    position: relative;
    flex: none;
    width: 2.75rem;
    height: 1.5rem;
    padding: 0;
    border: 2px solid var(--_border);
    border-radius: 1rem;
    background: var(--_bg);
  }
  [role='switch']::after {
    content: '';
    position: absolute;
    inset: 2px auto 2px 2px;
    aspect-ratio: 1;
    border-radius: 50%;
    background: var(--_border);
    transition: translate 0.15s;
  }
  [aria-checked='true'] {
    border-color: var(--_accent);
    background: var(--_accent);
  }
  [aria-checked='true']::after {
    translate: 1.25rem;
    background: var(--_on-accent);
  }
  /* Visible while loading: a card's outline with two bars (the words are said in the live region). */
  .skeleton {
    display: grid;
    align-content: center;
    gap: 0.75rem;
    height: 7rem;
    padding: var(--_gap);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    animation: pulse 1.2s ease-in-out infinite alternate;
  }
  .skeleton span {
    height: 0.875rem;
    width: 60%;
    border-radius: 0.25rem;
    background: color-mix(in srgb, var(--_muted) 45%, var(--_surface));
  }
  .skeleton span + span {
    width: 35%;
  }
  .notice.err {
    color: var(--_err);
    border-color: var(--_err);
  }
  .notice.err p {
    color: var(--_text);
  }
  .lists,
  .active {
    display: grid;
    gap: var(--_gap);
  }
  .sees ul {
    margin-top: 0.25rem;
  }
  .filters {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem var(--_gap);
    margin: 0;
    padding: 0;
    border: 0;
  }
  .filters legend {
    padding: 0;
    color: var(--_muted);
    font-size: 0.875rem;
  }
  .filters label {
    display: flex;
    align-items: center;
    gap: 0.25rem;
    min-height: 1.5rem;
  }
  .filters input {
    width: 1.5rem;
    height: 1.5rem;
    margin: 0;
    accent-color: var(--_accent);
  }
  .links a {
    display: inline-block;
    min-height: 1.5rem;
    padding-block: 0.125rem;
  }
  summary {
    min-height: 1.5rem;
  }
  [part='base'] {
    display: grid;
    gap: var(--_gap);
  }
  .tools input[type='search'] {
    width: 100%;
  }
  summary {
    cursor: pointer;
    padding-block: 0.25rem;
  }
  details > :not(summary) {
    margin-top: 0.5rem;
  }
  @media print {
    .tools,
    .rel {
      display: none !important;
    }
    .app {
      break-inside: avoid;
    }
  }
  @keyframes pulse {
    to {
      opacity: 0.4;
    }
  }
  .sr {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  @media (forced-colors: active) {
    [role='switch'] {
      forced-color-adjust: none;
      border-color: ButtonText;
      background: ButtonFace;
    }
    [role='switch']::after {
      background: ButtonText;
    }
    [role='switch'][aria-checked='true'] {
      border-color: Highlight;
      background: Highlight;
    }
    [role='switch'][aria-checked='true']::after {
      background: HighlightText;
    }
    .skeleton {
      border: 1px solid CanvasText;
    }
  }
`;

export const styles = [controls, shell];
