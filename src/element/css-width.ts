/**
 * `<span ${cssWidth('42%')}>`: sets an element's width through the CSSOM (`element.style.width`).
 * Lit's styleMap writes a `style="…"` attribute on its first render, which a strict
 * Content-Security-Policy (`style-src` without 'unsafe-inline') blocks; style properties set from
 * script are allowed, so the bars and the progress fill render under such a policy too.
 */
import { noChange } from 'lit';
import { Directive, directive, PartType, type ElementPart, type PartInfo } from 'lit/directive.js';

class CssWidth extends Directive {
  constructor(info: PartInfo) {
    super(info);
    if (info.type !== PartType.ELEMENT) throw new Error('cssWidth goes on an element, not an attribute or text');
  }

  render(_width: string): typeof noChange {
    return noChange;
  }

  override update(part: ElementPart, [width]: [string]): typeof noChange {
    (part.element as HTMLElement).style.width = width;
    return noChange;
  }
}

export const cssWidth = directive(CssWidth);
