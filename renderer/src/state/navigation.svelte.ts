// Which screen is shown. Kept in the URL fragment (`#/gallery`) so a reload stays on the same screen; the
// web-mode token fragment (`#token=…`) is consumed by connectStudio() before this runs.
export const ROUTES = ['generate', 'img2img', 'compare', 'gallery', 'models', 'settings'] as const;
export type Route = (typeof ROUTES)[number];

export const ROUTE_LABELS: Record<Route, string> = {
  generate: 'Generate',
  img2img: 'Img2img / Inpaint',
  compare: 'Compare',
  gallery: 'Gallery',
  models: 'Models',
  settings: 'Settings',
};

function routeFromHash(hash: string): Route {
  const name = hash.replace(/^#\/?/, '');
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'generate';
}

export class Navigation {
  current = $state<Route>(routeFromHash(location.hash));

  constructor() {
    window.addEventListener('hashchange', () => {
      this.current = routeFromHash(location.hash);
    });
  }

  go(route: Route): void {
    this.current = route;
    if (routeFromHash(location.hash) !== route) history.replaceState(null, '', `#/${route}`);
  }
}
