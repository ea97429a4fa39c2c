// Renders React elements into the happy-dom document the way the renderer tests need them, and
// takes them all down again after each test (unmountAll) so no test sees another's DOM.
import { act, type ReactElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const mounted: Root[] = [];

/** Mounts `element` in a fresh container appended to the body; resolves once React has rendered it. */
export async function mount(element: ReactElement): Promise<HTMLElement> {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  mounted.push(root);
  await act(async () => root.render(element));
  return container;
}

/** Unmounts everything `mount` rendered and empties the body. */
export async function unmountAll(): Promise<void> {
  for (const root of mounted.splice(0)) await act(async () => root.unmount());
  document.body.replaceChildren();
}
