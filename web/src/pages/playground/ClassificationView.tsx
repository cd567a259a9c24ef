// The IAB classification shown as the cookbook demo shows it: audience, content (IAB 1.0, 2.2,
// 3.1), topics, keywords and user intent.
import type { ReactNode } from "react";
import { formatScore, tierPath, type Classification, type TieredEntry } from "./iab";

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="iab-section" aria-label={title}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

function Scored({ items }: { items: { key: string; label: string; score: number }[] }) {
  if (items.length === 0) return <p className="muted">None.</p>;
  return (
    <ul className="scored">
      {items.map((item) => (
        <li key={item.key}>
          <span>{item.label}</span>
          <span className="score" aria-label={`score ${formatScore(item.score)}`}>
            {formatScore(item.score)}
          </span>
        </li>
      ))}
    </ul>
  );
}

const tiered = (entries: TieredEntry[]) => entries.map((e) => ({ key: String(e.id), label: tierPath(e), score: e.score }));

export function ClassificationView({ result }: { result: Classification }) {
  return (
    <div className="iab-grid">
      <Section title="Content · IAB 2.2">
        <Scored items={tiered(result.iab_2_2)} />
      </Section>
      <Section title="Content · IAB 1.0">
        <Scored items={result.iab_1_0.map((e) => ({ key: e.code, label: `${e.code} ${e.name}`, score: e.score }))} />
      </Section>
      <Section title="Content · IAB 3.1">
        <Scored items={tiered(result.iab_3_1)} />
      </Section>
      <Section title="Audience">
        <Scored items={tiered(result.audience)} />
      </Section>
      <Section title="Topics">
        <Scored items={result.topics.map((t) => ({ key: t.name, label: t.name, score: t.score }))} />
      </Section>
      <Section title="Keywords">
        {result.keywords.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <ul className="chips">
            {result.keywords.map((k) => (
              <li key={k} className="badge">
                {k}
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title="User intent">
        {result.userIntent ? (
          <p className="intent">
            <strong>{result.userIntent.name}</strong> <span className="badge">{result.userIntent.category}</span>{" "}
            <span className="score">{formatScore(result.userIntent.score)}</span>
          </p>
        ) : (
          <p className="muted">None.</p>
        )}
      </Section>
    </div>
  );
}
