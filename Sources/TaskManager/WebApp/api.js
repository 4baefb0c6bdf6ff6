// The API as the app calls it: JSON in and out, the bearer token added, a 401 answered by one
// refresh and then by signing in again (coming back to where the user was), and every error turned
// into words.
import { accessTokenExpired, currentAccessToken, refresh, signIn } from "./auth.js";

export class APIError extends Error {
  /** `fields` maps a body field (the last part of a validation error's `loc`) to its message. */
  constructor(status, message, fields = {}) {
    super(message);
    this.status = status;
    this.fields = fields;
  }
}

const fieldNames = { title: "Title", description: "Description", priority: "Priority", due_date: "Due date",
  email: "Email", full_name: "Full name", current_password: "Current password", new_password: "New password",
  password: "Password", code: "Code", q: "Text", due_before: "Due before", cursor: "Page", name: "Name",
  username: "Username", role: "Role", list_id: "List", user_id: "New owner" };

/** What an error answer means, in words. */
async function errorFrom(response) {
  const body = await response.json().catch(() => null);
  const detail = body && body.detail;
  if (Array.isArray(detail)) {
    const fields = {};
    for (const issue of detail) {
      const name = Array.isArray(issue.loc) ? String(issue.loc[issue.loc.length - 1]) : "";
      fields[name] ??= issue.msg;
    }
    const words = Object.entries(fields).map(([name, message]) => `${fieldNames[name] || name}: ${message}`);
    return new APIError(response.status, words.join(". ") || "The request was not valid.", fields);
  }
  if (response.status === 429) {
    const wait = response.headers.get("Retry-After");
    return new APIError(429, `${detail || "Too many attempts"}.${wait ? ` Try again in ${wait} seconds.` : ""}`);
  }
  if (response.status === 503) return new APIError(503, "The service is unavailable right now. Try again in a moment.");
  if (typeof detail === "string") return new APIError(response.status, detail);
  return new APIError(response.status, `The server answered ${response.status}.`);
}

async function send(method, path, body) {
  // A token that expired while its refresh could not be made is renewed first; if that fails,
  // the request goes as it is and its answer (401 or no connection) says what to do.
  if (accessTokenExpired()) await refresh().catch(() => {});
  const headers = {};
  const token = currentAccessToken();
  if (token) headers.Authorization = "Bearer " + token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  try {
    return await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "omit" });
  } catch {
    throw new APIError(0, "Cannot reach the server. Check the connection and try again.");
  }
}

/** `api("GET", "/tasks?limit=20")` → the parsed body (or null for 204). */
export async function api(method, path, body) {
  let response = await send(method, path, body);
  if (response.status === 401) {
    try {
      await refresh();
    } catch {
      // The session is over (signed out elsewhere, ended from another device, expired): sign in
      // again and come back here.
      await signIn();
      throw new APIError(401, "Signing in again…");
    }
    response = await send(method, path, body);
  }
  if (!response.ok) throw await errorFrom(response);
  return response.status === 204 ? null : response.json();
}
