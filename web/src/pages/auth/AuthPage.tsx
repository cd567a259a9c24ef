import { PageHeader } from "../../components/PageHeader";

export function AuthPage({ mode }: { mode: "signin" | "signup" }) {
  return <PageHeader title={mode} />;
}
