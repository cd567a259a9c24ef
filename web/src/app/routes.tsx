// Every page of the dashboard and where it lives. Pages load lazily so the first screen stays small.
import { lazy, type ComponentType } from "react";
import { matchPath } from "react-router";

type PageModule = Promise<{ default: ComponentType }>;

export interface PageRoute {
  path: string;
  label: string;
  /** Shown in the side navigation (pages reached from another page have none). */
  nav?: "main" | "playground" | "tools";
  page: ComponentType;
  /** Start loading the page's code (idempotent). */
  preload: () => Promise<void>;
}

/**
 * A lazily loaded page that renders without suspending once its code is in. React shows a
 * Suspense fallback for at least 300 ms once it appears, so a page preloaded while the session
 * loads (or while the user reads another page) must not suspend at all.
 */
function lazyPage(load: () => PageModule): Pick<PageRoute, "page" | "preload"> {
  let loaded: ComponentType | null = null;
  let pending: Promise<void> | null = null;
  const preload = () =>
    (pending ??= load().then((module) => {
      loaded = module.default;
    }));
  const Lazy = lazy(() => preload().then(() => ({ default: loaded! })));
  function Page() {
    const Loaded = loaded;
    return Loaded ? <Loaded /> : <Lazy />;
  }
  return { page: Page, preload };
}

export const PAGES: PageRoute[] = [
  { path: "/", label: "Dashboard", nav: "main", ...lazyPage(() => import("../pages/dashboard/DashboardPage")) },
  { path: "/keys", label: "API keys", nav: "main", ...lazyPage(() => import("../pages/keys/KeysPage")) },
  { path: "/logs", label: "Logs", nav: "main", ...lazyPage(() => import("../pages/logs/LogsPage")) },
  { path: "/usage", label: "Usage", nav: "main", ...lazyPage(() => import("../pages/usage/UsagePage")) },
  { path: "/billing", label: "Billing", nav: "main", ...lazyPage(() => import("../pages/billing/BillingPage")) },
  {
    path: "/billing/history",
    label: "Billing history",
    ...lazyPage(() => import("../pages/billing/BillingHistoryPage")),
  },
  { path: "/nodes", label: "Nodes", nav: "main", ...lazyPage(() => import("../pages/nodes/NodesPage")) },
  {
    path: "/playground/summarize",
    label: "Summarize",
    nav: "playground",
    ...lazyPage(() => import("../pages/playground/SummarizePage")),
  },
  {
    path: "/playground/iab",
    label: "IAB classification",
    nav: "playground",
    ...lazyPage(() => import("../pages/playground/ClassifyPage")),
  },
  {
    path: "/calculator",
    label: "Cost calculator",
    nav: "tools",
    ...lazyPage(() => import("../pages/calculator/CalculatorPage")),
  },
];

/** Load the code of the page at `pathname` now (called at start, alongside the session). */
export function preloadPage(pathname: string): void {
  const route = PAGES.find((p) => matchPath({ path: p.path, end: true }, pathname));
  route?.preload().catch(() => undefined); // a failed load is retried (and reported) on render
}

/** Load every page's code, one after another, when the browser is idle (starting after
 * `delayMs`, so the first page's own data and rendering go first). */
export function preloadAllPages(delayMs = 2000): void {
  const next = (i: number) => {
    const route = PAGES[i];
    if (!route) return;
    route.preload().then(
      () => schedule(() => next(i + 1)),
      () => schedule(() => next(i + 1)),
    );
  };
  setTimeout(() => schedule(() => next(0)), delayMs);
}

function schedule(task: () => void): void {
  if (typeof window.requestIdleCallback === "function") window.requestIdleCallback(task, { timeout: 3000 });
  else setTimeout(task, 200);
}
