// Playground: the Summarize demo. Paste text, get the summary and the token usage.
import { PlaygroundPage, type ResultView } from "./PlaygroundPage";
import type { RunResult } from "./responses";
import { SUMMARY_SAMPLES } from "./samples";

function summaryView(result: RunResult): ResultView {
  return {
    heading: "Summary",
    copyLabel: "Copy summary",
    copyText: result.text,
    body: (
      <p className="summary-text" data-testid="summary">
        {result.text || <span className="muted">The model returned an empty summary.</span>}
      </p>
    ),
  };
}

export default function SummarizePage() {
  return (
    <PlaygroundPage
      title="Summarize"
      subtitle="Paste text and get a short extractive summary, with the tokens it used."
      task="summarization"
      noModelText="This server runs no summarization model."
      textLabel="Text to summarize"
      actionLabel="Summarize"
      samples={SUMMARY_SAMPLES}
      view={summaryView}
    />
  );
}
