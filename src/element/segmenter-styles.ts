/**
 * `<mi-segmenter>`'s look: the classifier's card, drop zone, progress, status and error styles
 * (styles.ts), plus the mask over the image and the legend.
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
    [part='class-area'] {
      font-variant-numeric: tabular-nums;
      color: var(--mi-muted, #5b6477);
    }
  `,
];
