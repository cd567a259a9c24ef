/** An error announced to assistive technology; renders nothing when there is no error. */
export function ErrorNotice({ error }: { error: string | null }) {
  return error ? (
    <p className="notice error" role="alert">
      {error}
    </p>
  ) : null;
}
