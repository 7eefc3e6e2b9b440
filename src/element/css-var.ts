/**
 * `<span ${cssVar('--_swatch', '#cd3e4e')}>`: sets one style property (a custom property or a plain
 * one such as `width`) through the CSSOM, like css-width.ts and for the same reason: a `style="…"`
 * attribute is blocked by a strict Content-Security-Policy, a property set from script is not.
 */
import { noChange } from 'lit';
import { Directive, directive, PartType, type ElementPart, type PartInfo } from 'lit/directive.js';

class CssVar extends Directive {
  constructor(info: PartInfo) {
    super(info);
    if (info.type !== PartType.ELEMENT) throw new Error('cssVar goes on an element, not an attribute or text');
  }

  render(_name: string, _value: string): typeof noChange {
    return noChange;
  }

  override update(part: ElementPart, [name, value]: [string, string]): typeof noChange {
    (part.element as HTMLElement).style.setProperty(name, value);
    return noChange;
  }
}

export const cssVar = directive(CssVar);
