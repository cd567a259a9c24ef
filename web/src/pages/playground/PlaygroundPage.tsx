// The frame both playground pages share: header, the key panel, the models for the task, the form,
// the run's error, and the result panel with its copy button, usage and model line. Each page
// supplies its texts and how to show its answer.
import { useMemo, type ReactNode } from "react";
import { useSession } from "../../app/session";
import { CopyButton } from "../../components/CopyButton";
import { ErrorNotice } from "../../components/ErrorNotice";
import { LoadState } from "../../components/LoadState";
import { PageHeader } from "../../components/PageHeader";
import { KeyPanel } from "./KeyPanel";
import { PlaygroundForm } from "./PlaygroundForm";
import type { RunResult } from "./responses";
import type { Sample } from "./samples";
import { UsageCards } from "./UsageCards";
import { usePlaygroundKey, useRun, useTaskModels } from "./usePlayground";
import "./playground.css";

/** One answer as the page shows it: the panel's heading, what its copy button copies, the body. */
export interface ResultView {
  heading: string;
  copyLabel: string;
  copyText: string;
  body: ReactNode;
}

export function PlaygroundPage({
  title,
  subtitle,
  task,
  noModelText,
  textLabel,
  actionLabel,
  samples,
  view,
}: {
  title: string;
  subtitle: string;
  /** The catalogue task whose models the page offers. */
  task: string;
  noModelText: string;
  textLabel: string;
  actionLabel: string;
  samples: Sample[];
  /** How to show a result; null shows nothing. Keep it stable (module level): results are memoised on it. */
  view: (result: RunResult) => ResultView | null;
}) {
  const session = useSession();
  const playground = usePlaygroundKey();
  const models = useTaskModels(task);
  const run = useRun(playground.key);
  const shown = useMemo(() => (run.result ? view(run.result) : null), [run.result, view]);

  return (
    <section>
      <PageHeader title={title} subtitle={subtitle} />
      {!session.project ? (
        <p className="notice muted">Create a project first: the playground runs in a project.</p>
      ) : (
        <>
          <KeyPanel playground={playground} />
          <LoadState loading={models.loading && !models.data} error={models.error} empty={models.data?.length === 0} emptyText={noModelText}>
            <PlaygroundForm
              textLabel={textLabel}
              actionLabel={actionLabel}
              samples={samples}
              models={models.data ?? []}
              running={run.running}
              ready={playground.key !== null}
              onRun={(model, text) => void run.run(model, text)}
            />
          </LoadState>
          <ErrorNotice error={run.error} />
          {run.result && shown ? (
            <div className="panel result" aria-live="polite">
              <div className="result-head">
                <h2>{shown.heading}</h2>
                <CopyButton text={shown.copyText} label={shown.copyLabel} />
              </div>
              {shown.body}
              <UsageCards result={run.result} />
              <p className="muted small-print">
                {run.result.model}
                {run.result.requestId ? ` · request ${run.result.requestId}` : null}
              </p>
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}
