// The input side of a playground page: sample picker, the text, the model, and the run button.
import { useState, type FormEvent } from "react";
import type { Sample } from "./samples";

export function PlaygroundForm({
  textLabel,
  actionLabel,
  samples,
  models,
  running,
  ready,
  onRun,
}: {
  textLabel: string;
  actionLabel: string;
  samples: Sample[];
  models: string[];
  running: boolean;
  /** False while there is no key to run with. */
  ready: boolean;
  onRun: (model: string, text: string) => void;
}) {
  const [text, setText] = useState(samples[0]?.text ?? "");
  const [model, setModel] = useState("");
  const chosen = models.includes(model) ? model : (models[0] ?? "");

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (chosen && text.trim()) onRun(chosen, text);
  };

  return (
    <form className="form panel" onSubmit={submit}>
      <div className="playground-options">
        <label>
          Sample text
          <select
            onChange={(e) => {
              const sample = samples[Number(e.target.value)];
              if (sample) setText(sample.text);
            }}
            defaultValue="0"
          >
            {samples.map((sample, i) => (
              <option key={sample.title} value={i}>
                {sample.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          Model
          <select value={chosen} onChange={(e) => setModel(e.target.value)} disabled={models.length < 2}>
            {models.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label>
        {textLabel}
        <textarea value={text} onChange={(e) => setText(e.target.value)} rows={9} />
      </label>
      <div className="form-actions">
        <span className="muted count">{text.trim() ? `${text.trim().split(/\s+/).length} words` : "Empty"}</span>
        <button type="submit" className="button" disabled={!ready || running || !chosen || !text.trim()}>
          {running ? "Running…" : actionLabel}
        </button>
      </div>
    </form>
  );
}
