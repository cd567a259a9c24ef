// Playground: the IAB classification demo. Paste content; see audience, content categories,
// topics, keywords and user intent, and copy the result.
import { useMemo } from "react";
import { CopyButton } from "../../components/CopyButton";
import { LoadState } from "../../components/LoadState";
import { PageHeader } from "../../components/PageHeader";
import { useSession } from "../../app/session";
import { ClassificationView } from "./ClassificationView";
import { parseClassification, prettyResult, type Classification } from "./iab";
import { KeyPanel } from "./KeyPanel";
import { PlaygroundForm } from "./PlaygroundForm";
import { CLASSIFY_SAMPLES } from "./samples";
import { UsageCards } from "./UsageCards";
import { usePlaygroundKey, useRun, useTaskModels } from "./usePlayground";
import "./playground.css";

function parsed(text: string): Classification | string {
  try {
    return parseClassification(text);
  } catch {
    return "The model's answer is not the JSON this page expects; the raw answer is below.";
  }
}

export default function ClassifyPage() {
  const session = useSession();
  const playground = usePlaygroundKey();
  const models = useTaskModels("iab-classification");
  const run = useRun(playground.key);
  const result = useMemo(() => (run.result ? parsed(run.result.text) : null), [run.result]);

  return (
    <section>
      <PageHeader
        title="IAB classification"
        subtitle="Classify content into IAB categories, audiences, topics, keywords and user intent. Works best with a paragraph or more."
      />
      {!session.project ? (
        <p className="notice muted">Create a project first: the playground runs in a project.</p>
      ) : (
        <>
          <KeyPanel playground={playground} />
          <LoadState loading={models.loading && !models.data} error={models.error} empty={models.data?.length === 0} emptyText="This server runs no classification model.">
            <PlaygroundForm
              textLabel="Content to classify"
              actionLabel="Classify"
              samples={CLASSIFY_SAMPLES}
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
          {run.result && result ? (
            <div className="panel result" aria-live="polite">
              <div className="result-head">
                <h2>Classification</h2>
                <CopyButton text={prettyResult(run.result.text)} label="Copy result" />
              </div>
              {typeof result === "string" ? (
                <>
                  <p className="notice warn">{result}</p>
                  <pre>{run.result.text}</pre>
                </>
              ) : (
                <ClassificationView result={result} />
              )}
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
