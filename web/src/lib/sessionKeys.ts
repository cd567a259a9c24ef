// API key secrets created in this browser tab, kept in sessionStorage (never localStorage) so the
// Dashboard snippet and the Playground can use a key the user just created. The server shows a
// secret once; closing the tab forgets it.

const PREFIX = "zgpu.key.";

export function rememberKey(projectId: string, secret: string): void {
  sessionStorage.setItem(PREFIX + projectId, secret);
}

export function recallKey(projectId: string): string | null {
  return sessionStorage.getItem(PREFIX + projectId);
}

export function forgetKey(projectId: string): void {
  sessionStorage.removeItem(PREFIX + projectId);
}
