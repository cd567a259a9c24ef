/** An HTTP status as a coloured pill: 2xx green, 4xx amber, 5xx red. */
export function StatusBadge({ status }: { status: number }) {
  const tone = status >= 500 ? "badge error" : status >= 400 ? "badge warn" : status >= 200 && status < 300 ? "badge ok" : "badge";
  return <span className={tone}>{status}</span>;
}
