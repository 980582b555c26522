// Registers a custom element once: a page that loads the bundle twice (or two versions) keeps working.
export function define(name: string, element: CustomElementConstructor): void {
  if (!customElements.get(name)) customElements.define(name, element);
}
