// Playground: the IAB classification demo. Paste content; see audience, content categories,
// topics, keywords and user intent, and copy the result.
import { ClassificationView } from "./ClassificationView";
import { parseClassification, prettyResult, type Classification } from "./iab";
import { PlaygroundPage, type ResultView } from "./PlaygroundPage";
import type { RunResult } from "./responses";
import { CLASSIFY_SAMPLES } from "./samples";

function parsed(text: string): Classification | string {
  try {
    return parseClassification(text);
  } catch {
    return "The model's answer is not the JSON this page expects; the raw answer is below.";
  }
}

function classificationView(result: RunResult): ResultView {
  const classification = parsed(result.text);
  return {
    heading: "Classification",
    copyLabel: "Copy result",
    copyText: prettyResult(result.text),
    body:
      typeof classification === "string" ? (
        <>
          <p className="notice warn">{classification}</p>
          <pre>{result.text}</pre>
        </>
      ) : (
        <ClassificationView result={classification} />
      ),
  };
}

export default function ClassifyPage() {
  return (
    <PlaygroundPage
      title="IAB classification"
      subtitle="Classify content into IAB categories, audiences, topics, keywords and user intent. Works best with a paragraph or more."
      task="iab-classification"
      noModelText="This server runs no classification model."
      textLabel="Content to classify"
      actionLabel="Classify"
      samples={CLASSIFY_SAMPLES}
      view={classificationView}
    />
  );
}
