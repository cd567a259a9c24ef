import { PageHeader } from "../../components/PageHeader";

export default function CalculatorPage() {
  return <PageHeader title="CalculatorPage" subtitle="Being built." />;
}
