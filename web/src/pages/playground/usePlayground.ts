// What both playground pages share: the API key they call with (one created in this tab, or a new
// "Playground" key), the catalogue's models for their task, and one run of POST /v1/responses.
import { useCallback, useState } from "react";
import { api, ApiError, errorMessage } from "../../api/client";
import { useSession } from "../../app/session";
import { forgetKey, recallKey, rememberKey } from "../../lib/sessionKeys";
import { useAsync } from "../../lib/useAsync";
import { outputText, responseBody, runErrorWords, type ResponseObject, type RunResult } from "./responses";

export interface PlaygroundKey {
  /** The secret to call with; null when this tab has none for the project. */
  key: string | null;
  creating: boolean;
  error: string | null;
  /** Create a key named "Playground" in the current project and keep its secret in this tab. */
  create: () => Promise<void>;
  canCreate: boolean;
}

export function usePlaygroundKey(): PlaygroundKey {
  const session = useSession();
  const projectId = session.project?.id ?? null;
  const [, setTick] = useState(0);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const key = projectId ? recallKey(projectId) : null;

  const create = useCallback(async () => {
    if (!projectId) return;
    setCreating(true);
    setError(null);
    try {
      const created = await api<{ value: string }>("POST", `/v1/organization/projects/${projectId}/api_keys`, {
        body: { name: "Playground" },
      });
      rememberKey(projectId, created.value);
      setTick((t) => t + 1);
    } catch (exc) {
      setError(errorMessage(exc));
    } finally {
      setCreating(false);
    }
  }, [projectId]);

  return { key, creating, error, create, canCreate: session.can("keys.create") && projectId !== null };
}

interface ModelCard {
  id: string;
  task: string;
}

/** The ids of the catalogue's models for `task` ("summarization", "iab-classification"). */
export function useTaskModels(task: string) {
  return useAsync(
    () => api<{ data: ModelCard[] }>("GET", "/v1/models").then((r) => r.data.filter((m) => m.task === task).map((m) => m.id)),
    [task],
  );
}

export interface Run {
  running: boolean;
  result: RunResult | null;
  error: string | null;
  run: (model: string, text: string) => Promise<void>;
}

/** One call of POST /v1/responses with the playground key, its result or its failure in words. */
export function useRun(key: string | null): Run {
  const session = useSession();
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<RunResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const projectId = session.project?.id ?? null;

  const run = useCallback(
    async (model: string, text: string) => {
      if (!key || !projectId) return;
      setRunning(true);
      setError(null);
      const started = performance.now();
      try {
        let requestId: string | null = null;
        const response = await fetch("/v1/responses", {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": key, "x-project-id": projectId },
          body: JSON.stringify(responseBody(model, text)),
        }).catch(() => {
          throw new ApiError(0, "unreachable");
        });
        requestId = response.headers.get("x-request-id");
        if (!response.ok) {
          let body: { error?: { message?: string; code?: string | null } } = {};
          try {
            body = (await response.json()) as typeof body;
          } catch {
            // not JSON: words from the status alone
          }
          // A refused key (revoked, expired) is of no more use: forget it so a new one is offered.
          if (response.status === 401) forgetKey(projectId);
          throw new ApiError(response.status, runErrorWords(response.status, body.error?.message ?? null, body.error?.code ?? null));
        }
        const answer = (await response.json()) as ResponseObject;
        setResult({
          text: outputText(answer),
          usage: answer.usage,
          model: answer.model,
          requestId,
          latencyMs: performance.now() - started,
        });
      } catch (exc) {
        setResult(null);
        setError(exc instanceof ApiError && exc.status === 0 ? runErrorWords(0, null, null) : errorMessage(exc));
      } finally {
        setRunning(false);
      }
    },
    [key, projectId],
  );

  return { running, result, error, run };
}
