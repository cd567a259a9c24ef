// Playground: the Summarize demo. Paste text, get the summary and the token usage.
import { CopyButton } from "../../components/CopyButton";
import { LoadState } from "../../components/LoadState";
import { PageHeader } from "../../components/PageHeader";
import { useSession } from "../../app/session";
import { KeyPanel } from "./KeyPanel";
import { PlaygroundForm } from "./PlaygroundForm";
import { SUMMARY_SAMPLES } from "./samples";
import { UsageCards } from "./UsageCards";
import { usePlaygroundKey, useRun, useTaskModels } from "./usePlayground";
import "./playground.css";

export default function SummarizePage() {
  const session = useSession();
  const playground = usePlaygroundKey();
  const models = useTaskModels("summarization");
  const run = useRun(playground.key);

  return (
    <section>
      <PageHeader title="Summarize" subtitle="Paste text and get a short extractive summary, with the tokens it used." />
      {!session.project ? (
        <p className="notice muted">Create a project first: the playground runs in a project.</p>
      ) : (
        <>
          <KeyPanel playground={playground} />
          <LoadState loading={models.loading && !models.data} error={models.error} empty={models.data?.length === 0} emptyText="This server runs no summarization model.">
            <PlaygroundForm
              textLabel="Text to summarize"
              actionLabel="Summarize"
              samples={SUMMARY_SAMPLES}
              models={models.data ?? []}
              running={run.running}
              ready={playground.key !== null}
              onRun={(model, text) => void run.run(model, text)}
            />
          </LoadState>
          {run.error ? (
            <p className="notice error" role="alert">
              {run.error}
            </p>
          ) : null}
          {run.result ? (
            <div className="panel result" aria-live="polite">
              <div className="result-head">
                <h2>Summary</h2>
                <CopyButton text={run.result.text} label="Copy summary" />
              </div>
              <p className="summary-text" data-testid="summary">
                {run.result.text || <span className="muted">The model returned an empty summary.</span>}
              </p>
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
