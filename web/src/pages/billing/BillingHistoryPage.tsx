import { PageHeader } from "../../components/PageHeader";

export default function BillingHistoryPage() {
  return <PageHeader title="BillingHistoryPage" subtitle="Being built." />;
}
