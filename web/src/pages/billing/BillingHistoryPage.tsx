// Billing history: every credit, auto recharge, usage line, refund and adjustment, newest first,
// filtered by kind and dates, paged, and exported as CSV.
import { useCallback, useEffect, useState } from "react";
import { Link } from "react-router";
import { api, apiText, errorMessage } from "../../api/client";
import { useSession } from "../../app/session";
import { LoadState } from "../../components/LoadState";
import { PageHeader } from "../../components/PageHeader";
import { formatDateTime, formatUsd } from "../../lib/format";
import { historyQuery, KIND_LABELS, statusLabel, statusTone, type HistoryFilters } from "./history";
import type { HistoryEntry, HistoryKind, HistoryPage } from "./types";
import "./billing.css";

const PAGE_SIZE = 50;
const NO_FILTERS: HistoryFilters = { kind: "", from: "", to: "" };

export default function BillingHistoryPage() {
  const session = useSession();
  const canRead = session.can("billing.read");
  const [filters, setFilters] = useState<HistoryFilters>(NO_FILTERS);
  const [rows, setRows] = useState<HistoryEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const orgId = session.organization?.id ?? null;

  const load = useCallback(
    async (after: string | null) => {
      setLoading(true);
      setError(null);
      try {
        const page = await api<HistoryPage>("GET", "/v1/organization/billing/history", { query: historyQuery(filters, PAGE_SIZE, after) });
        setRows((current) => (after ? [...current, ...page.data] : page.data));
        setCursor(page.has_more ? page.next_cursor : null);
      } catch (exc) {
        setError(errorMessage(exc));
      } finally {
        setLoading(false);
      }
    },
    [filters],
  );

  useEffect(() => {
    if (canRead && orgId) void load(null);
  }, [load, canRead, orgId]);

  const exportCsv = async () => {
    setExporting(true);
    setError(null);
    try {
      const { limit: _limit, ...query } = historyQuery(filters, PAGE_SIZE);
      const text = await apiText("/v1/organization/billing/history", { query: { ...query, format: "csv" } });
      const url = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
      const link = document.createElement("a");
      link.href = url;
      link.download = "billing-history.csv";
      link.click();
      URL.revokeObjectURL(url);
    } catch (exc) {
      setError(errorMessage(exc));
    } finally {
      setExporting(false);
    }
  };

  const back = (
    <Link to="/billing" className="back-link">
      <span aria-hidden="true">← </span>Back to Billing
    </Link>
  );
  if (!canRead) {
    return (
      <section>
        {back}
        <PageHeader title="Billing history" />
        <p className="notice muted">Your role in this organization cannot see billing. Ask an owner or admin.</p>
      </section>
    );
  }

  return (
    <section>
      {back}
      <PageHeader
        title="Billing history"
        subtitle="Credits, auto recharges, usage per day and model, refunds and adjustments, newest first."
        actions={
          <button type="button" className="button secondary" onClick={() => void exportCsv()} disabled={exporting}>
            {exporting ? "Exporting…" : "Download CSV"}
          </button>
        }
      />
      <div className="filters" role="group" aria-label="Filters">
        <label>
          Kind
          <select value={filters.kind} onChange={(e) => setFilters({ ...filters, kind: e.target.value as HistoryKind | "" })}>
            <option value="">All</option>
            {Object.entries(KIND_LABELS).map(([kind, label]) => (
              <option key={kind} value={kind}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" value={filters.from} onChange={(e) => setFilters({ ...filters, from: e.target.value })} />
        </label>
        <label>
          To
          <input type="date" value={filters.to} onChange={(e) => setFilters({ ...filters, to: e.target.value })} />
        </label>
        {filters.kind || filters.from || filters.to ? (
          <button type="button" className="button secondary small" onClick={() => setFilters(NO_FILTERS)}>
            Clear filters
          </button>
        ) : null}
      </div>
      <LoadState loading={loading && rows.length === 0} error={error} empty={!loading && rows.length === 0} emptyText="No billing history matches.">
        <div className="table-wrap">
          <table aria-label="Billing history" className="history-table">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Description</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td>{formatDateTime(row.created_at)}</td>
                  <td className="description">{row.description}</td>
                  <td className={row.counted ? "num" : "num not-counted"} title={row.counted ? undefined : "Did not move money"}>
                    {formatUsd(row.amount_micro, { signed: true })}
                  </td>
                  <td>
                    <span className={`badge ${statusTone(row.status)}`}>{statusLabel(row.status)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {cursor ? (
          <p>
            <button type="button" className="button secondary" onClick={() => void load(cursor)} disabled={loading}>
              {loading ? "Loading…" : "Load more"}
            </button>
          </p>
        ) : null}
      </LoadState>
    </section>
  );
}
