import { PageHeader } from "../../components/PageHeader";

export default function NodesPage() {
  return <PageHeader title="NodesPage" subtitle="Being built." />;
}
