// The calculator's answer: ZeroGPU's monthly and yearly cost, then each hosted LLM beside it.
import { formatUsd } from "../../lib/format";
import { microToNumber, type Comparison, type Cost, type PricePerMillion } from "./calc";

const usd = (micro: bigint) => formatUsd(microToNumber(micro));

function perMillion(price: PricePerMillion): string {
  return `${usd(price.input)} in · ${usd(price.output)} out per 1M`;
}

function share(percent: number | null): string {
  if (percent === null) return "—";
  if (percent >= 0) return `${percent.toFixed(1)}% less`;
  return `${(-percent).toFixed(1)}% more`;
}

export function ComparisonTable({
  modelId,
  ours,
  cost,
  rows,
}: {
  modelId: string;
  ours: PricePerMillion;
  cost: Cost;
  rows: Comparison[];
}) {
  return (
    <>
      <div className="cards">
        <div className="card">
          <div className="label">ZeroGPU per month</div>
          <div className="value" aria-label="ZeroGPU per month">
            {usd(cost.monthlyMicro)}
          </div>
        </div>
        <div className="card">
          <div className="label">ZeroGPU per year</div>
          <div className="value" aria-label="ZeroGPU per year">
            {usd(cost.yearlyMicro)}
          </div>
        </div>
        <div className="card">
          <div className="label">{modelId}</div>
          <div className="muted">{perMillion(ours)}</div>
        </div>
      </div>
      <div className="table-wrap">
        <table aria-label="Cost comparison" className="compare-table">
          <thead>
            <tr>
              <th scope="col">Hosted model</th>
              <th scope="col" className="num">
                Per month
              </th>
              <th scope="col" className="num">
                Per year
              </th>
              <th scope="col" className="num">
                ZeroGPU saves / month
              </th>
              <th scope="col" className="num">
                ZeroGPU saves / year
              </th>
              <th scope="col" className="num">
                ZeroGPU costs
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.rival.id} data-rival={row.rival.id}>
                <th scope="row" className="rowhead">
                  {row.rival.name}
                  <span className="muted sub">{perMillion(row.rival.price)}</span>
                </th>
                <td className="num" data-label="Per month">{usd(row.monthlyMicro)}</td>
                <td className="num" data-label="Per year">{usd(row.yearlyMicro)}</td>
                <td className="num" data-label="ZeroGPU saves / month">{usd(row.savingsMonthlyMicro)}</td>
                <td className="num" data-label="ZeroGPU saves / year">{usd(row.savingsYearlyMicro)}</td>
                <td className="num" data-label="ZeroGPU costs">
                  <span className={row.percentLess !== null && row.percentLess < 0 ? "badge warn" : "badge ok"}>
                    {share(row.percentLess)}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
