import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";
import { preloadPage } from "./app/routes";
import "./styles.css";

// The page's code loads while the session is checked, so the page can render at once.
preloadPage(window.location.pathname);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
