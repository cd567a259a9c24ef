import { Suspense, useEffect } from "react";
import { BrowserRouter, Navigate, Route, Routes, useLocation } from "react-router";
import { AuthPage } from "../pages/auth/AuthPage";
import { PAGES, preloadAllPages } from "./routes";
import { SessionProvider, useSession } from "./session";
import { Shell } from "./Shell";

function Gate() {
  const session = useSession();
  const location = useLocation();
  const signedIn = session.state === "signed-in";
  // Once signed in, fetch the other pages' code in idle time: moving between pages never waits.
  useEffect(() => {
    if (signedIn) preloadAllPages();
  }, [signedIn]);
  if (session.state === "loading") return <p className="notice muted" aria-busy="true">Loading…</p>;
  if (session.state === "signed-out") {
    return (
      <Routes>
        <Route path="/signin" element={<AuthPage mode="signin" />} />
        <Route path="/signup" element={<AuthPage mode="signup" />} />
        <Route path="*" element={<Navigate to="/signin" replace state={{ from: location.pathname + location.search }} />} />
      </Routes>
    );
  }
  return (
    <Shell>
      <Suspense fallback={<p className="notice muted" aria-busy="true">Loading…</p>}>
        <Routes>
          {PAGES.map(({ path, page: Page }) => (
            <Route key={path} path={path} element={<Page />} />
          ))}
          <Route path="/signin" element={<Navigate to={(location.state as { from?: string } | null)?.from ?? "/"} replace />} />
          <Route path="/signup" element={<Navigate to="/" replace />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Suspense>
    </Shell>
  );
}

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p className="muted">There is no page at this address.</p>
    </section>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <SessionProvider>
        <Gate />
      </SessionProvider>
    </BrowserRouter>
  );
}
