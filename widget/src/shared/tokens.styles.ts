// Design tokens: every colour, radius, font and offset is a `--support-*` custom property with a
// fallback, so a host page restyles the widget without piercing its shadow root. A plain string:
// the launcher (no Lit in the first load) adopts it as is, Lit parts wrap it with unsafeCSS.
export const tokenRules = `
  :host {
    --_primary: var(--support-color-primary, #4f46e5);
    --_on-primary: var(--support-color-on-primary, #fff);
    --_surface: var(--support-color-surface, #fff);
    --_text: var(--support-color-text, #1f2330);
    --_muted: var(--support-color-muted, #f1f2f6);
    --_subtle: var(--support-color-subtle, #667085);
    --_border: var(--support-color-border, #e4e7ec);
    --_danger: var(--support-color-danger, #d92d20);
    --_success: var(--support-color-success, #12b76a);
    --_warning: var(--support-color-warning, #f79009);
    --_radius: var(--support-radius, 16px);
    --_font: var(--support-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif);
    --_z: var(--support-z-index, 2147483000);
    --_x: var(--support-offset-x, 20px);
    --_y: var(--support-offset-y, 20px);
    --_focus: var(--support-focus-ring, 0 0 0 3px color-mix(in srgb, var(--_primary) 35%, transparent));
  }
`;

/** Adopts CSS text into a shadow root: a constructable sheet (no CSP `unsafe-inline` needed), else <style>. */
export function adoptStyles(root: ShadowRoot, cssText: string): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(cssText);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = cssText;
    root.append(style);
  }
}
