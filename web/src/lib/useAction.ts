import { useCallback, useState } from "react";
import { errorMessage } from "../api/client";

export interface Action {
  busy: boolean;
  /** The last failure's message, or null. */
  error: string | null;
  setError: (error: string | null) => void;
  /**
   * Runs `work` once: busy while it runs, the error cleared before and set from whatever it throws
   * (the exception is not re-raised). Resolves true when `work` succeeded.
   */
  run: (work: () => Promise<void>) => Promise<boolean>;
}

/** Busy and error state for one user-triggered asynchronous action (a submit, a confirm). */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (exc) {
      setError(errorMessage(exc));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
