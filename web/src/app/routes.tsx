// Every page of the dashboard and where it lives. Pages load lazily so the first screen stays small.
import { lazy, type ComponentType, type LazyExoticComponent } from "react";

export interface PageRoute {
  path: string;
  label: string;
  /** Shown in the side navigation (pages reached from another page have none). */
  nav?: "main" | "playground" | "tools";
  page: LazyExoticComponent<ComponentType>;
}

export const PAGES: PageRoute[] = [
  { path: "/", label: "Dashboard", nav: "main", page: lazy(() => import("../pages/dashboard/DashboardPage")) },
  { path: "/keys", label: "API keys", nav: "main", page: lazy(() => import("../pages/keys/KeysPage")) },
  { path: "/logs", label: "Logs", nav: "main", page: lazy(() => import("../pages/logs/LogsPage")) },
  { path: "/usage", label: "Usage", nav: "main", page: lazy(() => import("../pages/usage/UsagePage")) },
  { path: "/billing", label: "Billing", nav: "main", page: lazy(() => import("../pages/billing/BillingPage")) },
  {
    path: "/billing/history",
    label: "Billing history",
    page: lazy(() => import("../pages/billing/BillingHistoryPage")),
  },
  { path: "/nodes", label: "Nodes", nav: "main", page: lazy(() => import("../pages/nodes/NodesPage")) },
  {
    path: "/playground/summarize",
    label: "Summarize",
    nav: "playground",
    page: lazy(() => import("../pages/playground/SummarizePage")),
  },
  {
    path: "/playground/iab",
    label: "IAB classification",
    nav: "playground",
    page: lazy(() => import("../pages/playground/ClassifyPage")),
  },
  {
    path: "/calculator",
    label: "Cost calculator",
    nav: "tools",
    page: lazy(() => import("../pages/calculator/CalculatorPage")),
  },
];
