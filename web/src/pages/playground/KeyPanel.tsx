// Which key the playground uses, and the way to get one when this tab has none.
import { Link } from "react-router";
import { ErrorNotice } from "../../components/ErrorNotice";
import type { PlaygroundKey } from "./usePlayground";

export function KeyPanel({ playground }: { playground: PlaygroundKey }) {
  if (playground.key) {
    return (
      <p className="muted key-line">
        Runs with the API key created in this browser tab for this project (requests are billed and appear in{" "}
        <Link to="/logs">Logs</Link>).
      </p>
    );
  }
  return (
    <div className="notice warn">
      <p className="key-line">
        The playground calls the API with a key of this project. Keys are shown only once, so this tab has none
        to use yet.
      </p>
      {playground.canCreate ? (
        <>
          <p className="key-line muted">
            Create one named “Playground”: its secret stays in this tab only and is forgotten when you close it. You can
            revoke it on the API keys page.
          </p>
          <button type="button" className="button" onClick={() => void playground.create()} disabled={playground.creating}>
            {playground.creating ? "Creating…" : "Create a playground key"}
          </button>
        </>
      ) : (
        <p className="key-line">Your role cannot create API keys: ask an owner, admin or member of this organization.</p>
      )}
      <ErrorNotice error={playground.error} />
    </div>
  );
}
