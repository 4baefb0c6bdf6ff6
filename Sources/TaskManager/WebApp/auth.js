// Signing in as the built-in public client `taskmanager-web`: authorization code with PKCE (S256)
// and `state`, as the OAuth "browser-based apps" best current practice asks.
//
// The access token lives in this module's memory only. The refresh token is kept in
// sessionStorage: it survives a reload of this tab (so a reload does not sign the user out) but not
// the tab itself, is never sent anywhere but /token, and is not shared with other tabs. The server
// rotates it on every use, and revoking it on sign-out ends the login session.
//
// `openid` brings an ID token with every token answer. The app reads nothing from it: it is kept
// (beside the refresh token) only as the `id_token_hint` of /logout, which then ends the browser's
// sign-in session and comes straight back, without asking. So no `nonce` either: PKCE binds the code.

const CLIENT_ID = "taskmanager-web";
const SCOPE = "openid me tasks:read tasks:write lists:share";
const PENDING = "taskmanager.pending-sign-in";
const REFRESH = "taskmanager.refresh-token";
const ID_TOKEN = "taskmanager.id-token";

/** The public URL of the server, which the page names: the issuer and the redirect URI's origin. */
export const issuer = document.querySelector('meta[name="taskmanager-public-url"]').content.replace(/\/+$/, "");
const redirectURI = issuer + "/app/callback";

let accessToken = null;
/** When the access token expires, by this browser's clock (from `expires_in`). */
let expiresAt = Infinity;
let refreshTimer = null;
let refreshing = null;

export class SignInError extends Error {}

function randomText(bytes) {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64url(bytes) {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Sends the browser to the server's sign-in page; `returnTo` is where to come back to afterwards. */
export async function signIn(returnTo = location.pathname + location.search) {
  if (!crypto.subtle) {
    throw new SignInError("Signing in needs a secure page: open the app over https, or on 127.0.0.1 or localhost.");
  }
  const verifier = randomText(32); // 43 characters of the unreserved set
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
  const state = randomText(16);
  sessionStorage.setItem(PENDING, JSON.stringify({ state, verifier, returnTo }));
  const query = new URLSearchParams({
    response_type: "code",
    client_id: CLIENT_ID,
    redirect_uri: redirectURI,
    scope: SCOPE,
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  location.assign("/authorize?" + query);
}

/** On /app/callback: checks the answer against the sign-in this tab started, then gets the tokens.
 *  Returns where the user was going. */
export async function finishSignIn() {
  const answer = new URLSearchParams(location.search);
  // The code leaves the address bar (and the history) before anything else happens.
  history.replaceState(null, "", "/app/callback");
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || "null");
  sessionStorage.removeItem(PENDING);
  if (!pending) throw new SignInError("There is no sign-in in progress in this tab. Start again.");
  if (answer.get("state") !== pending.state) throw new SignInError("The sign-in answer does not belong to this tab (state differs). Start again.");
  if (answer.has("iss") && answer.get("iss") !== issuer) throw new SignInError("The sign-in answer came from another server. Start again.");
  if (answer.has("error")) {
    if (answer.get("error") === "access_denied") throw new SignInError("Sign-in was cancelled.");
    throw new SignInError(answer.get("error_description") || answer.get("error"));
  }
  const code = answer.get("code");
  if (!code) throw new SignInError("The sign-in answer has no code. Start again.");
  await tokenRequest({
    grant_type: "authorization_code",
    code,
    redirect_uri: redirectURI,
    code_verifier: pending.verifier,
    client_id: CLIENT_ID,
  });
  return pending.returnTo && pending.returnTo.startsWith("/app") && !pending.returnTo.startsWith("/app/callback") ? pending.returnTo : "/app";
}

async function tokenRequest(fields) {
  let response;
  try {
    response = await fetch("/token", { method: "POST", body: new URLSearchParams(fields), credentials: "omit" });
  } catch {
    throw new SignInError("Cannot reach the server. Check the connection and try again.");
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    if (fields.grant_type === "refresh_token") forget();
    throw new SignInError(body.error_description || (typeof body.detail === "string" ? body.detail : `Sign-in failed (${response.status}).`));
  }
  accessToken = body.access_token;
  expiresAt = body.expires_in ? Date.now() + body.expires_in * 1000 : Infinity;
  if (body.refresh_token) sessionStorage.setItem(REFRESH, body.refresh_token);
  if (body.id_token) sessionStorage.setItem(ID_TOKEN, body.id_token);
  scheduleRefresh(body.expires_in);
  return body;
}

// A minute before the access token expires (or at 80% of a short lifetime), a new one.
function scheduleRefresh(seconds) {
  clearTimeout(refreshTimer);
  if (!seconds) return;
  const lead = Math.min(60, seconds * 0.2);
  refreshTimer = setTimeout(() => refresh().catch(() => {}), Math.max(1, seconds - lead) * 1000);
}

/** A new access token from the kept refresh token; one request at a time, shared by every caller. */
export function refresh() {
  const token = sessionStorage.getItem(REFRESH);
  if (!token) return Promise.reject(new SignInError("Not signed in."));
  refreshing ??= tokenRequest({ grant_type: "refresh_token", refresh_token: token, client_id: CLIENT_ID }).finally(() => (refreshing = null));
  return refreshing;
}

export function currentAccessToken() {
  return accessToken;
}

/** Whether the access token has expired (or is about to): its planned refresh failed, say while
 *  the browser was offline. Sending it would only earn a 401. */
export function accessTokenExpired() {
  return accessToken !== null && Date.now() >= expiresAt - 1000;
}

export function hasSession() {
  return accessToken !== null || sessionStorage.getItem(REFRESH) !== null;
}

/** Ends the login session on the server (revoking the refresh token ends it, access tokens with it),
 *  forgets the tokens here, then signs the browser out of TaskManager at /logout, which comes back
 *  to /app/signed-out. */
export async function signOut() {
  const token = sessionStorage.getItem(REFRESH) || accessToken;
  const idToken = sessionStorage.getItem(ID_TOKEN);
  forget();
  if (token) {
    await fetch("/token/revoke", { method: "POST", body: new URLSearchParams({ token, client_id: CLIENT_ID }), credentials: "omit" }).catch(() => {});
  }
  const query = new URLSearchParams({ client_id: CLIENT_ID, post_logout_redirect_uri: issuer + "/app/signed-out" });
  if (idToken) query.set("id_token_hint", idToken);
  location.assign("/logout?" + query);
}

export function forget() {
  accessToken = null;
  clearTimeout(refreshTimer);
  sessionStorage.removeItem(REFRESH);
  sessionStorage.removeItem(ID_TOKEN);
}
