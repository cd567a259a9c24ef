// The ready-to-copy request: a model picker, cURL / Python / JavaScript tabs and a copy button.
import { useRef, useState, type KeyboardEvent } from "react";
import { CopyButton } from "../../components/CopyButton";
import { buildSnippet, KEY_ENV, SNIPPET_LANGUAGES, type SnippetLanguage } from "../../lib/snippets";
import type { ModelCard } from "./modelsApi";

export function SnippetPanel({
  projectId,
  models,
  apiKey,
}: {
  projectId: string;
  models: ModelCard[];
  /** The secret of a key created in this tab, or null for the environment variable. */
  apiKey: string | null;
}) {
  const [language, setLanguage] = useState<SnippetLanguage>("curl");
  const [model, setModel] = useState(models[0]?.id ?? "");
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  const chosen = models.some((m) => m.id === model) ? model : (models[0]?.id ?? "YOUR_MODEL");
  const text = buildSnippet(language, { baseUrl: window.location.origin, projectId, model: chosen, apiKey });

  // Arrow keys move between tabs (WAI-ARIA tabs pattern).
  const onKey = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = (index + step + SNIPPET_LANGUAGES.length) % SNIPPET_LANGUAGES.length;
    setLanguage(SNIPPET_LANGUAGES[next]!.id);
    tabs.current[next]?.focus();
  };

  return (
    <section className="panel" aria-labelledby="snippet-title">
      <div className="snippet-head">
        <h2 id="snippet-title">Ready-to-use snippet</h2>
        <label className="inline-label">
          Model
          <select value={chosen} onChange={(e) => setModel(e.target.value)}>
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.id}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="tabs" role="tablist" aria-label="Snippet language">
        {SNIPPET_LANGUAGES.map((lang, index) => (
          <button
            key={lang.id}
            ref={(el) => {
              tabs.current[index] = el;
            }}
            type="button"
            role="tab"
            id={`snippet-tab-${lang.id}`}
            aria-selected={language === lang.id}
            aria-controls="snippet-code"
            tabIndex={language === lang.id ? 0 : -1}
            onClick={() => setLanguage(lang.id)}
            onKeyDown={(e) => onKey(e, index)}
          >
            {lang.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="snippet-code" aria-labelledby={`snippet-tab-${language}`} className="snippet">
        <pre>
          <code data-testid="snippet">{text}</code>
        </pre>
        <div className="snippet-copy">
          <CopyButton text={text} label="Copy snippet" />
        </div>
      </div>
      {apiKey ? (
        <p className="notice warn">
          This snippet contains the key you created in this tab. Keep it secret: run it server-side only and never
          commit it.
        </p>
      ) : (
        <p className="muted small-print">
          The key is read from the environment: <code>export {KEY_ENV}="zgpu-api-…"</code> first. Keys are shown in
          full only when created.
        </p>
      )}
    </section>
  );
}
