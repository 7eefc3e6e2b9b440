/**
 * The element's look. Everything a page may want to change is a CSS custom property (inherited
 * through the shadow boundary) or reachable as a `::part()`. System fonts only: the element loads
 * nothing from other origins.
 */
import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    box-sizing: border-box;
    max-width: 28rem;
    font-family: var(--mi-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    color: var(--mi-fg, #1d2330);
    --_accent: var(--mi-accent, #2456c7);
    --_bar: var(--mi-bar-color, var(--_accent));
    --_track: var(--mi-bar-track, #e4e8f0);
    --_radius: var(--mi-radius, 0.5rem);
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  .card {
    background: var(--mi-bg, #fff);
    border: 1px solid var(--mi-border, #d5dae4);
    border-radius: var(--_radius);
    padding: 0.75rem;
    display: grid;
    gap: 0.6rem;
  }
  [part='dropzone'] {
    display: grid;
    place-items: center;
    min-height: 10rem;
    border: 2px dashed var(--mi-border, #b9c1d0);
    border-radius: var(--_radius);
    background: var(--mi-dropzone-bg, #f6f8fb);
    cursor: pointer;
    text-align: center;
    padding: 0.5rem;
    gap: 0.4rem;
  }
  [part='dropzone']:hover,
  [part='dropzone'].dragging {
    border-color: var(--_accent);
    background: var(--mi-dropzone-active-bg, #eef3fe);
  }
  [part='dropzone']:focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  [part='image'] {
    display: block;
    max-width: 100%;
    max-height: 14rem;
    image-rendering: auto;
    border-radius: calc(var(--_radius) / 2);
  }
  .stage {
    position: relative;
    display: inline-block;
    line-height: 0;
  }
  [part='heatmap'] {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    image-rendering: auto;
    pointer-events: none;
    border-radius: calc(var(--_radius) / 2);
  }
  .heatmap-row {
    display: grid;
    gap: 0.3rem;
  }
  [part='heatmap-toggle'] {
    justify-self: start;
    font: inherit;
    font-size: 0.85rem;
    padding: 0.25rem 0.7rem;
    border: 1px solid var(--_accent);
    border-radius: 999px;
    background: transparent;
    color: var(--_accent);
    cursor: pointer;
  }
  [part='heatmap-toggle'][aria-pressed='true'] {
    background: var(--_accent);
    color: var(--mi-bg, #fff);
  }
  [part='heatmap-toggle']:focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  [part='heatmap-caption'] {
    margin: 0;
    font-size: 0.8rem;
    color: var(--mi-muted, #5b6477);
  }
  .hint {
    font-size: 0.85rem;
    color: var(--mi-muted, #5b6477);
  }
  [part='progress'] {
    position: relative;
    height: 1.4rem;
    border-radius: var(--_radius);
    background: var(--_track);
    overflow: hidden;
    font-size: 0.75rem;
  }
  [part='progress'] .fill {
    position: absolute;
    inset: 0 auto 0 0;
    background: var(--_accent);
    opacity: 0.35;
    transition: width 0.15s linear;
  }
  [part='progress'] .text {
    position: relative;
    display: block;
    line-height: 1.4rem;
    padding: 0 0.5rem;
  }
  [part='bars'] {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.35rem;
  }
  [part='bar'] {
    display: grid;
    grid-template-columns: minmax(5rem, 9rem) 1fr 4.2rem;
    align-items: center;
    gap: 0.5rem;
    font-size: 0.9rem;
  }
  [part='label'] {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .track {
    height: 0.8rem;
    border-radius: 0.4rem;
    background: var(--_track);
    overflow: hidden;
  }
  [part='bar-fill'] {
    display: block;
    height: 100%;
    background: var(--_bar);
  }
  [part='bar']:not(:first-child) [part='bar-fill'] {
    opacity: 0.55;
  }
  [part='value'] {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  [part='status'] {
    margin: 0;
    font-size: 0.85rem;
    color: var(--mi-muted, #5b6477);
    min-height: 1.2em;
  }
  [part='status'] strong {
    color: var(--mi-fg, #1d2330);
  }
  [part='error'] {
    border-left: 4px solid var(--mi-error-color, #b3261e);
    background: var(--mi-error-bg, #fdf0ef);
    padding: 0.5rem 0.75rem;
    border-radius: calc(var(--_radius) / 2);
  }
  [part='error'] strong {
    display: block;
    color: var(--mi-error-color, #b3261e);
  }
  [part='error'] code {
    white-space: nowrap;
  }
  [part='error'] p {
    margin: 0.25rem 0 0;
    font-size: 0.85rem;
    overflow-wrap: anywhere;
  }
  [part='backend'] {
    display: inline-block;
    margin-top: 0.25rem;
    padding: 0.05rem 0.5rem;
    border: 1px solid currentColor;
    border-radius: 999px;
    font-size: 0.75rem;
    opacity: 0.75;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;
