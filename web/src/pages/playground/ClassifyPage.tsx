import { PageHeader } from "../../components/PageHeader";

export default function ClassifyPage() {
  return <PageHeader title="ClassifyPage" subtitle="Being built." />;
}
