import { PageHeader } from "../../components/PageHeader";

export default function SummarizePage() {
  return <PageHeader title="SummarizePage" subtitle="Being built." />;
}
