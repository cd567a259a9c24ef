// Sign in and sign up: one form each, links between them, the password rules shown, and the
// server's words when it refuses.
import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { errorMessage } from "../../api/client";
import { useSession } from "../../app/session";
import { ErrorNotice } from "../../components/ErrorNotice";
import { PASSWORD_MIN, passwordProblem } from "./passwordRules";
import "./auth.css";

export function AuthPage({ mode }: { mode: "signin" | "signup" }) {
  // A fresh form per mode: an error of the sign-in form must not follow the user to sign-up.
  return <AuthForm key={mode} mode={mode} />;
}

function AuthForm({ mode }: { mode: "signin" | "signup" }) {
  const session = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [name, setName] = useState("");
  const [organization, setOrganization] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const signup = mode === "signup";
  const problem = signup && password ? passwordProblem(password, email) : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    try {
      if (signup) {
        await session.signUp({
          email: email.trim(),
          password,
          name: name.trim(),
          organization_name: organization.trim() || undefined,
        });
      } else {
        await session.signIn(email.trim(), password);
      }
    } catch (exc) {
      setError(errorMessage(exc));
      setBusy(false);
    }
  };

  return (
    <main className="auth">
      <section className="panel" aria-labelledby="auth-title">
        <p className="brand auth-brand">ZeroGPU</p>
        <h1 id="auth-title">{signup ? "Create your account" : "Sign in"}</h1>
        <p className="muted">
          {signup ? "Already have an account? " : "New to ZeroGPU? "}
          <Link to={signup ? "/signin" : "/signup"}>{signup ? "Sign in" : "Create an account"}</Link>
        </p>
        {/* The form checks with its own words (and the server has the last word). */}
        <form className="form" onSubmit={submit} noValidate>
          {signup ? (
            <label>
              Name
              <input required maxLength={200} autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
            </label>
          ) : null}
          <label>
            Email
            <input
              type="email"
              required
              maxLength={254}
              autoComplete="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </label>
          <label>
            Password
            <input
              type="password"
              required
              minLength={signup ? PASSWORD_MIN : undefined}
              maxLength={1024}
              autoComplete={signup ? "new-password" : "current-password"}
              aria-describedby={signup ? "password-rules" : undefined}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          {signup ? (
            <ul id="password-rules" className="rules muted">
              <li>At least {PASSWORD_MIN} characters (a few words work well).</li>
              <li>Not a common password such as “password123”.</li>
              <li>Must not contain the part of your email before the @.</li>
            </ul>
          ) : null}
          {signup ? (
            <label>
              <span>
                Organization name <span className="muted">(optional)</span>
              </span>
              <input
                maxLength={200}
                autoComplete="organization"
                placeholder="Your team or company"
                value={organization}
                onChange={(e) => setOrganization(e.target.value)}
              />
            </label>
          ) : null}
          <ErrorNotice error={error} />
          <button type="submit" className="button" disabled={busy}>
            {busy ? (signup ? "Creating account…" : "Signing in…") : signup ? "Create account" : "Sign in"}
          </button>
        </form>
      </section>
    </main>
  );
}
