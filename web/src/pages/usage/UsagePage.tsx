// Usage analytics of the current project: totals, token and request charts, model shares.
// Clicking a bar opens Logs filtered to that bucket's time window.
import { useMemo } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { useSession } from "../../app/session";
import { BarChart } from "../../components/charts/BarChart";
import { ShareBars } from "../../components/charts/ShareBars";
import "../../components/charts/charts.css";
import { LoadState } from "../../components/LoadState";
import { PageHeader } from "../../components/PageHeader";
import { ProjectRequired } from "../../components/ProjectRequired";
import { formatCount, formatLatency, formatTokens } from "../../lib/format";
import { useAsync } from "../../lib/useAsync";
import { logsHref } from "../logs/logsQuery";
import { RangePicker } from "./RangePicker";
import { getSeries, getSummary } from "./usageApi";
import {
  axisLabel,
  bucketName,
  bucketWidth,
  chartData,
  mergeBuckets,
  mergeFactor,
  parseRange,
  rangeSpan,
  rangeToParams,
  usageQuery,
  type UsageRange,
} from "./usageRange";
import "./usage.css";

const INPUT_COLOR = "#3b5bdb";
const OUTPUT_COLOR = "#74c0fc";
const OK_COLOR = "#2b8a3e";
const ERROR_COLOR = "#c92a2a";

export default function UsagePage() {
  const session = useSession();
  const navigate = useNavigate();
  const projectId = session.project?.id ?? null;
  const [params, setParams] = useSearchParams();
  const range = useMemo(() => parseRange(params), [params]);
  const rangeKey = rangeToParams(range).toString();
  const span = rangeSpan(range, Date.now() / 1000);
  const width = bucketWidth(span.end - span.start);

  const summary = useAsync(
    () => (projectId ? getSummary(usageQuery(range, projectId)) : Promise.resolve(null)),
    [projectId, rangeKey],
  );
  const series = useAsync(
    () => (projectId ? getSeries(usageQuery(range, projectId), width) : Promise.resolve(null)),
    [projectId, rangeKey, width],
  );

  if (!projectId) {
    return <ProjectRequired title="Usage" reason="usage is counted per project" />;
  }

  const totals = summary.data?.totals;
  const buckets = series.data ?? [];
  const data = chartData(mergeBuckets(buckets, mergeFactor(buckets.length)));
  const multiDay = span.end - span.start > 86400;
  const labels = data.starts.map((s) => axisLabel(s, width, multiDay));
  const openLogs = (i: number) => {
    const start = data.starts[i];
    const end = data.ends[i];
    if (start !== undefined && end !== undefined) navigate(logsHref({ start, end }));
  };
  const name = (i: number) => bucketName(data.starts[i] ?? 0, data.ends[i] ?? 0, width);
  const models = (summary.data?.results ?? [])
    .filter((r) => r.num_model_requests > 0)
    .sort((a, b) => b.num_model_requests - a.num_model_requests);

  return (
    <>
      <PageHeader
        title="Usage"
        subtitle={`Tokens, requests and latency of ${session.project?.name ?? "this project"}.`}
        actions={<RangePicker key={rangeKey} range={range} onChange={(next: UsageRange) => setParams(rangeToParams(next))} />}
      />
      <LoadState loading={summary.loading && !summary.data} error={summary.error}>
        <div className="cards" aria-label="Totals">
          <Card label="Total requests" value={formatCount(totals?.num_model_requests ?? 0)} />
          <Card label="Average response time" value={formatLatency(totals?.average_latency_ms ?? null)} />
          <Card label="Input tokens" value={formatTokens(totals?.input_tokens ?? 0)} />
          <Card label="Output tokens" value={formatTokens(totals?.output_tokens ?? 0)} />
        </div>
      </LoadState>
      <LoadState loading={series.loading && !series.data} error={series.error}>
        <section className="panel">
          <BarChart
            title="Token usage over time"
            labels={labels}
            series={[
              { name: "Input tokens", color: INPUT_COLOR, values: data.inputTokens },
              { name: "Output tokens", color: OUTPUT_COLOR, values: data.outputTokens },
            ]}
            formatValue={formatTokens}
            describeBar={(i) =>
              `${name(i)}: ${formatTokens(data.inputTokens[i] ?? 0)} input, ${formatTokens(data.outputTokens[i] ?? 0)} output tokens. Open logs.`
            }
            onSelect={openLogs}
          />
        </section>
        <section className="panel">
          <BarChart
            title="Request volume"
            labels={labels}
            series={[
              {
                name: "Succeeded",
                color: OK_COLOR,
                values: data.requests.map((n, i) => n - (data.errors[i] ?? 0)),
              },
              { name: "Errors", color: ERROR_COLOR, values: data.errors },
            ]}
            formatValue={formatTokens}
            describeBar={(i) =>
              `${name(i)}: ${formatCount(data.requests[i] ?? 0)} requests, ${formatCount(data.errors[i] ?? 0)} errors. Open logs.`
            }
            onSelect={openLogs}
          />
        </section>
      </LoadState>
      <LoadState
        loading={summary.loading && !summary.data}
        error={null}
        empty={models.length === 0}
        emptyText="No requests in this range. Send one with the snippet on the Dashboard."
      >
        <section className="panel">
          <ShareBars
            title="Model distribution"
            shares={models.map((m) => ({
              label: m.model || "(no model: refused before routing)",
              value: m.num_model_requests,
              detail: `${plural(m.num_model_requests, "request")} · ${plural(m.input_tokens + m.output_tokens, "token", formatTokens)}`,
            }))}
          />
        </section>
      </LoadState>
      <p className="muted small-print">Click a bar to see the requests behind it in Logs.</p>
    </>
  );
}

function plural(n: number, noun: string, format: (n: number) => string = formatCount): string {
  return `${format(n)} ${noun}${n === 1 ? "" : "s"}`;
}

function Card({ label, value }: { label: string; value: string }) {
  return (
    <div className="card">
      <div className="label">{label}</div>
      <div className="value">{value}</div>
    </div>
  );
}
