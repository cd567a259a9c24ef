import { PageHeader } from "../../components/PageHeader";

export default function BillingPage() {
  return <PageHeader title="BillingPage" subtitle="Being built." />;
}
