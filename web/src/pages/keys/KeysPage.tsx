import { PageHeader } from "../../components/PageHeader";

export default function KeysPage() {
  return <PageHeader title="KeysPage" subtitle="Being built." />;
}
