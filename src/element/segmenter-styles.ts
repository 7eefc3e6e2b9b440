/**
 * `<mi-segmenter>`'s look: the classifier's card, drop zone, progress, status and error styles
 * (styles.ts), plus the mask over the image and the legend, and for 3-D models the viewer, its
 * slice scrollers, the label table and the Save and Cancel buttons.
 */
import { css } from 'lit';
import { styles } from './styles.ts';

export const segmenterStyles = [
  styles,
  css`
    [part='mask'] {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
      /* The mask is at the model's size: each of its pixels covers its share of the image, unblended. */
      image-rendering: pixelated;
      pointer-events: none;
      border-radius: calc(var(--_radius) / 2);
    }
    [part='legend'] {
      list-style: none;
      margin: 0;
      padding: 0;
      display: flex;
      flex-wrap: wrap;
      gap: 0.35rem;
    }
    [part='legend-item'] {
      display: inline-flex;
      align-items: center;
      gap: 0.4rem;
      font: inherit;
      font-size: 0.85rem;
      padding: 0.2rem 0.6rem;
      border: 1px solid var(--mi-border, #d5dae4);
      border-radius: 999px;
      background: var(--mi-bg, #fff);
      color: var(--mi-fg, #1d2330);
      cursor: pointer;
    }
    [part='legend-item'][aria-pressed='false'] {
      opacity: 0.55;
      text-decoration: line-through;
    }
    [part='legend-item']:focus-visible {
      outline: 3px solid var(--_accent);
      outline-offset: 2px;
    }
    [part='swatch'] {
      width: 0.8rem;
      height: 0.8rem;
      border-radius: 0.2rem;
      border: 1px solid rgb(0 0 0 / 0.25);
      background: var(--_swatch, #888);
    }
    [part='backend'] {
      justify-self: start;
    }
    [part='viewer'] {
      width: 100%;
      height: var(--mi-viewer-height, 360px);
      background: #000;
      border-radius: calc(var(--_radius) / 2);
      overflow: hidden;
    }
    [part='viewer-canvas'] {
      display: block;
      width: 100%;
      height: 100%;
    }
    [part='viewer-canvas']:focus-visible,
    [part='slice']:focus-visible,
    [part='opacity']:focus-visible,
    [part='save']:focus-visible,
    [part='cancel']:focus-visible {
      outline: 3px solid var(--_accent);
      outline-offset: 2px;
    }
    .volume-result,
    .volume-run {
      display: grid;
      gap: 0.5rem;
    }
    .slices {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr));
      gap: 0.5rem;
      font-size: 0.85rem;
    }
    .slices label,
    .opacity {
      display: grid;
      gap: 0.15rem;
      font-size: 0.85rem;
    }
    [part='viewer-message'] {
      padding: 0.6rem 0.8rem;
      border: 1px solid var(--mi-border, #d5dae4);
      border-radius: calc(var(--_radius) / 2);
      font-size: 0.9rem;
    }
    [part='volumes'] {
      border-collapse: collapse;
      font-size: 0.85rem;
      font-variant-numeric: tabular-nums;
    }
    [part='volumes'] th,
    [part='volumes'] td {
      text-align: left;
      padding: 0.15rem 0.6rem 0.15rem 0;
    }
    [part='volumes'] caption {
      text-align: left;
      font-weight: 600;
    }
    [part='volumes'] [part='swatch'] {
      display: inline-block;
      vertical-align: middle;
    }
    [part='save'],
    [part='cancel'] {
      justify-self: start;
      font: inherit;
      padding: 0.3rem 0.8rem;
      border: 1px solid var(--mi-border, #d5dae4);
      border-radius: calc(var(--_radius) / 2);
      background: var(--mi-bg, #fff);
      color: var(--mi-fg, #1d2330);
      cursor: pointer;
    }
    [part='class-area'] {
      font-variant-numeric: tabular-nums;
      color: var(--mi-muted, #5b6477);
    }
  `,
];
